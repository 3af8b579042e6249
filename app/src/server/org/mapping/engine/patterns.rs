//! An organization's pattern rules, matched against names with a bound on
//! the work whatever the patterns.
//!
//! All patterns run together as one lazy DFA, so one pass over a name
//! answers every rule. That is fast while the DFA's states fit its cache.
//! Some sets of small patterns, each harmless alone, make states so large
//! that the cache thrashes (`(.*a){20}N`, `\w{5}N` or `[^x]*[^y]{90}z N` for
//! two hundred values of N): the `regex` crate's `RegexSet` then falls back
//! to its NFA simulation, thousands of times slower (18 s for 1,000 names
//! where 6 ms was usual). Here the DFA is told to give up instead, and from
//! then on each name is matched rule by rule with each pattern's own
//! `Regex`, whose DFA stays small: linear in rules × names, a few hundred
//! milliseconds at worst for 10,000 repositories and 200 rules.

use regex::Regex;
use regex_automata::{
    hybrid::dfa::{Cache, DFA},
    nfa::thompson,
    util::syntax,
    Input, MatchKind, PatternSet,
};

/// Compiled size of all the patterns of an organization together, beyond
/// which they are matched rule by rule.
const SET_SIZE_LIMIT: usize = 16 * 1024 * 1024;
/// Memory the set's lazy DFA may use for its states while matching.
const SET_CACHE_BYTES: usize = 4 * 1024 * 1024;

/// The pattern rules, compiled both ways.
pub(super) struct Patterns {
    /// Every pattern at once; `None` without patterns, or when they are too
    /// large together.
    set: Option<DFA>,
    /// Each pattern alone, by index, for when the set gives up.
    singles: Vec<Regex>,
}

impl Patterns {
    /// The set of `sources`, with `singles`, each source already compiled
    /// alone by `compile_pattern` (which checked it), in the same order.
    pub(super) fn new(sources: &[String], singles: Vec<Regex>) -> Patterns {
        if sources.is_empty() {
            return Patterns { set: None, singles };
        }
        let set = DFA::builder()
            .configure(
                DFA::config()
                    .match_kind(MatchKind::All)
                    .cache_capacity(SET_CACHE_BYTES)
                    // A set whose states need more than that builds, and
                    // gives up at its first search.
                    .skip_cache_capacity_check(true)
                    // Give up (and match rule by rule) once the cache has
                    // been cleared a few times while making little progress.
                    .minimum_cache_clear_count(Some(3))
                    .minimum_bytes_per_state(Some(10))
                    // `\b` is matched on ASCII; repository names are ASCII.
                    .unicode_word_boundary(true),
            )
            .syntax(syntax::Config::new().case_insensitive(true))
            .thompson(thompson::Config::new().nfa_size_limit(Some(SET_SIZE_LIMIT)))
            .build_many(sources);
        // Too large to compile as one: every name is matched rule by rule.
        let set = set
            .inspect_err(|e| {
                tracing::info!(patterns = sources.len(), error = %e,
                    "pattern rules: too large together; matching rule by rule");
            })
            .ok();
        Patterns { set, singles }
    }

    /// A matcher for one run over many names.
    pub(super) fn matcher(&self) -> Matcher<'_> {
        Matcher {
            patterns: self,
            cache: self.set.as_ref().map(DFA::create_cache),
            found: PatternSet::new(self.singles.len()),
            gave_up: self.set.is_none() && !self.singles.is_empty(),
        }
    }
}

/// Matches names one after another, reusing the DFA's cache; after the
/// DFA gives up once, matches the rest rule by rule.
pub(super) struct Matcher<'a> {
    patterns: &'a Patterns,
    cache: Option<Cache>,
    found: PatternSet,
    pub(super) gave_up: bool,
}

impl Matcher<'_> {
    /// The indexes of the patterns that match somewhere in `name`.
    pub(super) fn matches(&mut self, name: &str) -> Vec<usize> {
        if let (Some(set), Some(cache), false) = (&self.patterns.set, &mut self.cache, self.gave_up)
        {
            self.found.clear();
            match set.try_which_overlapping_matches(cache, &Input::new(name), &mut self.found) {
                Ok(()) => return self.found.iter().map(|p| p.as_usize()).collect(),
                Err(e) => {
                    tracing::info!(
                        patterns = self.patterns.singles.len(),
                        error = %e,
                        "pattern rules: the combined DFA gave up; matching rule by rule"
                    );
                    self.gave_up = true;
                }
            }
        }
        self.patterns
            .singles
            .iter()
            .enumerate()
            .filter(|(_, regex)| regex.is_match(name))
            .map(|(index, _)| index)
            .collect()
    }
}
