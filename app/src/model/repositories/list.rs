//! The parser of pasted repository lists: one repository a line, as
//! `owner/name` or as a GitHub, GitLab, Bitbucket or any other git URL
//! (https, ssh or scp-like). Invalid and duplicate lines are reported with
//! their line number; the valid lines are kept.

use serde::{Deserialize, Serialize};

/// Longest repository name kept (`group/subgroup/name`).
pub const MAX_REPOSITORY_NAME_LEN: usize = 200;
/// Most lines one pasted list may hold.
pub const MAX_LIST_LINES: usize = 2_000;

/// One repository a line produced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParsedRepository {
    /// 1-based line number in the pasted text.
    pub line: usize,
    /// The path that names it, e.g. `acme/payments` or `group/sub/api`.
    pub name: String,
    /// The URL it was given by, when it was given by one.
    pub url: Option<String>,
}

/// A line that produced no repository, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineError {
    pub line: usize,
    pub text: String,
    pub message: String,
}

/// What a pasted list yields: the repositories to add, and the lines that
/// were left out.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParsedList {
    pub repositories: Vec<ParsedRepository>,
    pub errors: Vec<LineError>,
}

/// Reads a pasted list. Blank lines and `#` comments are skipped; a name
/// seen earlier in the list (case-insensitively) is reported as a duplicate.
pub fn parse_list(text: &str) -> ParsedList {
    let mut list = ParsedList::default();
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if line > MAX_LIST_LINES {
            list.errors.push(LineError {
                line,
                text: shorten(trimmed),
                message: format!("Paste at most {MAX_LIST_LINES} lines at a time."),
            });
            break;
        }
        match parse_line(trimmed) {
            Ok((name, url)) => {
                let seen = list
                    .repositories
                    .iter()
                    .find(|r| r.name.eq_ignore_ascii_case(&name));
                match seen {
                    Some(first) => list.errors.push(LineError {
                        line,
                        text: shorten(trimmed),
                        message: format!("{name} is already on line {}.", first.line),
                    }),
                    None => list.repositories.push(ParsedRepository { line, name, url }),
                }
            }
            Err(message) => list.errors.push(LineError {
                line,
                text: shorten(trimmed),
                message,
            }),
        }
    }
    list
}

fn shorten(text: &str) -> String {
    const MAX: usize = 120;
    if text.chars().count() <= MAX {
        text.to_owned()
    } else {
        format!("{}…", text.chars().take(MAX).collect::<String>())
    }
}

/// One line: a repository name and the URL it came from, or why not.
pub fn parse_line(text: &str) -> Result<(String, Option<String>), String> {
    let text = text.trim();
    if text.chars().count() > MAX_REPOSITORY_NAME_LEN {
        return Err(format!("Use at most {MAX_REPOSITORY_NAME_LEN} characters."));
    }
    if text.chars().any(char::is_whitespace) {
        return Err("One repository a line, without spaces.".to_owned());
    }
    if text.chars().any(crate::model::is_hidden) {
        return Err("Remove control and invisible characters.".to_owned());
    }
    let (path, url) = if let Some((scheme, rest)) = text.split_once("://") {
        let scheme = scheme.to_ascii_lowercase();
        if !matches!(scheme.as_str(), "https" | "http" | "ssh" | "git") {
            return Err(format!("{scheme}:// is not a git address."));
        }
        // Drop user info and port: `git@host:22/owner/name`.
        let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
        let (user_info, host_port) = match authority.rsplit_once('@') {
            Some((user_info, host_port)) => (Some(user_info), host_port),
            None => (None, authority),
        };
        let host = host_port
            .split(':')
            .next()
            .unwrap_or(host_port)
            .to_ascii_lowercase();
        if host.is_empty() {
            return Err("The address has no host.".to_owned());
        }
        // Everyone in the organization sees the URL: no credentials are
        // kept (a user name other than ssh's `git`, a password, a token in
        // the query string), nor the fragment.
        let user = user_info
            .filter(|u| *u == "git")
            .map_or(String::new(), |u| format!("{u}@"));
        let path_only = path.split(['?', '#']).next().unwrap_or("");
        let url = format!("{scheme}://{user}{host_port}/{path_only}");
        (path_on(&host, path), Some(url))
    } else if let Some((user_host, path)) = scp_like(text) {
        let (user, host) = user_host.rsplit_once('@').unwrap_or(("", user_host));
        // As above: only ssh's conventional `git` user is kept.
        let user = if user == "git" { "git@" } else { "" };
        let path_only = path.split(['?', '#']).next().unwrap_or("");
        (
            path_on(&host.to_ascii_lowercase(), path),
            Some(format!("{user}{host}:{path_only}")),
        )
    } else {
        (text.to_owned(), None)
    };
    let name = path
        .trim_matches('/')
        .trim_end_matches(".git")
        .trim_matches('/')
        .to_owned();
    check_name(&name)?;
    Ok((name, url))
}

/// What [`parse_line`] may take, as a regular expression (ECMA-262 and the
/// `regex` crate's syntax) for the API's document: a name of `/`-separated
/// segments that [`check_name`] accepts, or an address (anything with a
/// colon, without white space or hidden characters), up to
/// [`MAX_REPOSITORY_NAME_LEN`] characters either way.
pub fn line_pattern() -> String {
    // A segment of letters, digits, `.`, `_` and `-`, but not `.` or `..`.
    const SEGMENT: &str =
        r"(?:[A-Za-z0-9_-][A-Za-z0-9._-]*|\.[A-Za-z0-9_-][A-Za-z0-9._-]*|\.\.[A-Za-z0-9._-]+)";
    let visible = crate::model::visible_class("\\s");
    format!("^(?:{SEGMENT}(?:/{SEGMENT})*|{visible}*:{visible}*)$")
}

/// `git@github.com:owner/name.git`: a user and host, a colon, a path (and
/// no `://`).
fn scp_like(text: &str) -> Option<(&str, &str)> {
    let (before, after) = text.split_once(':')?;
    (before.contains('@') && !after.is_empty()).then_some((before, after))
}

/// The part of a URL path that names the repository on `host`.
fn path_on(host: &str, path: &str) -> String {
    let path = path.split(['?', '#']).next().unwrap_or("");
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    match host {
        // owner/name, then pages of the repository (`/tree/main`, `/src/…`).
        "github.com" | "www.github.com" | "bitbucket.org" | "www.bitbucket.org" => segments
            .iter()
            .take(2)
            .copied()
            .collect::<Vec<_>>()
            .join("/"),
        // Groups nest; repository pages come after `/-/`.
        _ => segments
            .iter()
            .take_while(|s| **s != "-")
            .copied()
            .collect::<Vec<_>>()
            .join("/"),
    }
}

/// Whether `name` can name a repository: one or more `/`-separated segments
/// of letters, digits, `.`, `_` and `-`.
pub fn check_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("Enter a repository name, like acme/payments, or its URL.".to_owned());
    }
    if name.chars().count() > MAX_REPOSITORY_NAME_LEN {
        return Err(format!("Use at most {MAX_REPOSITORY_NAME_LEN} characters."));
    }
    for segment in name.split('/') {
        if segment.is_empty() || segment == "." || segment == ".." {
            return Err(format!("{name} is not a repository name."));
        }
        if let Some(bad) = segment
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')))
        {
            return Err(format!(
                "{name} holds {bad:?}, which repository names cannot."
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(line: &str) -> String {
        parse_line(line).unwrap_or_else(|e| panic!("{line}: {e}")).0
    }

    #[test]
    fn every_common_address_form_gives_the_repository_path() {
        for (line, expected) in [
            ("acme/payments", "acme/payments"),
            ("payments", "payments"),
            ("https://github.com/acme/payments", "acme/payments"),
            ("https://github.com/acme/payments.git", "acme/payments"),
            (
                "https://github.com/acme/payments/tree/main/src",
                "acme/payments",
            ),
            ("http://www.github.com/acme/payments/", "acme/payments"),
            ("git@github.com:acme/payments.git", "acme/payments"),
            ("ssh://git@github.com/acme/payments.git", "acme/payments"),
            ("https://gitlab.com/acme/platform/api", "acme/platform/api"),
            (
                "https://gitlab.com/acme/platform/api/-/tree/main",
                "acme/platform/api",
            ),
            ("git@gitlab.com:acme/platform/api.git", "acme/platform/api"),
            ("https://bitbucket.org/acme/web/src/master/", "acme/web"),
            ("git@bitbucket.org:acme/web.git", "acme/web"),
            ("https://git.example.com/team/tools.git", "team/tools"),
            (
                "ssh://git@git.example.com:2222/team/tools.git",
                "team/tools",
            ),
            (
                "https://user:secret@git.example.com/team/tools?x=1#readme",
                "team/tools",
            ),
        ] {
            assert_eq!(name(line), expected, "{line}");
        }
        assert_eq!(
            parse_line("https://github.com/acme/payments")
                .unwrap()
                .1
                .as_deref(),
            Some("https://github.com/acme/payments")
        );
        assert_eq!(parse_line("acme/payments").unwrap().1, None);
        assert_eq!(
            parse_line("https://user:secret@git.example.com/team/tools")
                .unwrap()
                .1
                .as_deref(),
            Some("https://git.example.com/team/tools"),
            "a password in the address is not kept"
        );
        for (pasted, kept) in [
            (
                "https://ghp_secret@github.com/acme/api",
                "https://github.com/acme/api",
            ),
            (
                "https://gitlab.example/acme/api.git?private_token=glpat-secret#readme",
                "https://gitlab.example/acme/api.git",
            ),
            (
                "ssh://deploy-token@git.example.com:2222/team/tools.git",
                "ssh://git.example.com:2222/team/tools.git",
            ),
            (
                "ghp_secret@github.com:acme/api.git",
                "github.com:acme/api.git",
            ),
            ("git@github.com:acme/api.git", "git@github.com:acme/api.git"),
        ] {
            let (_, url) = parse_line(pasted).unwrap();
            assert_eq!(
                url.as_deref(),
                Some(kept),
                "no credentials kept from {pasted}"
            );
        }
        assert_eq!(
            parse_line("ssh://git@git.example.com/team/tools.git")
                .unwrap()
                .1
                .as_deref(),
            Some("ssh://git@git.example.com/team/tools.git")
        );
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn the_documented_pattern_takes_the_names_the_parser_takes() {
        let pattern = regex::Regex::new(&line_pattern()).unwrap();
        for name in [
            "acme/payments",
            "payments",
            "group/sub/api.v2",
            ".github",
            "...",
            "a_b-c",
            "https://github.com/acme/api.git",
            "git@github.com:acme/api.git",
        ] {
            assert!(pattern.is_match(name), "{name}");
            assert!(parse_line(name).is_ok(), "{name}");
        }
        for name in [
            "acme/../etc",
            ".",
            "acme//api",
            "acme/pay$",
            "O'Brien",
            "a b",
            "x\u{0}y",
        ] {
            assert!(!pattern.is_match(name), "{name}");
            assert!(parse_line(name).is_err(), "{name}");
        }
    }

    #[test]
    fn bad_lines_say_why() {
        for (line, part) in [
            ("acme payments", "without spaces"),
            ("ftp://host/acme/x", "not a git address"),
            ("https:///acme/x", "no host"),
            ("https://github.com/", "Enter a repository name"),
            ("acme//payments", "not a repository name"),
            ("acme/../etc", "not a repository name"),
            ("acme/pay$", "holds '$'"),
            ("https://git\u{0}hub.com/acme/api", "control and invisible"),
            (
                "https://github.com/acme/\u{202E}ipa",
                "control and invisible",
            ),
        ] {
            let error = parse_line(line).unwrap_err();
            assert!(error.contains(part), "{line}: {error}");
        }
        let long = "a".repeat(MAX_REPOSITORY_NAME_LEN + 1);
        assert!(parse_line(&long).unwrap_err().contains("at most"));
        let long_address = format!("https://{}.example/acme/api", "h".repeat(180));
        assert!(parse_line(&long_address)
            .unwrap_err()
            .contains("at most 200 characters"));
    }

    #[test]
    fn a_list_keeps_the_valid_lines_and_reports_the_others_by_line() {
        let list = parse_list(
            "# our repositories\n\
             https://github.com/acme/payments\n\
             \n\
             acme/web\n\
             not valid!\n\
             git@github.com:ACME/Payments.git\n\
             https://gitlab.com/acme/platform/api\n",
        );
        let names: Vec<(usize, &str)> = list
            .repositories
            .iter()
            .map(|r| (r.line, r.name.as_str()))
            .collect();
        assert_eq!(
            names,
            [
                (2, "acme/payments"),
                (4, "acme/web"),
                (7, "acme/platform/api")
            ]
        );
        let errors: Vec<(usize, &str)> = list
            .errors
            .iter()
            .map(|e| (e.line, e.message.as_str()))
            .collect();
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert_eq!(errors[0].0, 5);
        assert_eq!(errors[1], (6, "ACME/Payments is already on line 2."));
    }

    #[test]
    fn a_huge_paste_stops_at_the_line_limit() {
        let text: String = (0..MAX_LIST_LINES + 10)
            .map(|i| format!("acme/repo-{i}\n"))
            .collect();
        let list = parse_list(&text);
        assert_eq!(list.repositories.len(), MAX_LIST_LINES);
        assert_eq!(list.errors.len(), 1);
        assert!(list.errors[0].message.contains("at most"));
    }
}
