//! The HTML part of mail an organization sends: its name, its logo and its
//! primary colour around the same words as the plain-text part, which a
//! client without HTML shows instead. Laid out with tables and inline
//! styles, as mail clients need; every value is escaped. The logo is linked
//! at the organization's address as configured (never the request's host),
//! so a client that loads remote images shows it and one that does not
//! shows the organization's name in its place.

use crate::model::settings::{logo_href, DEFAULT_BRAND_COLOR};
use crate::server::markup::escape_html;
use tenancy::context::TenantInfo;

/// How an organization's mail looks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Brand {
    pub name: String,
    /// `#rrggbb`, readable under white text (checked when it was set).
    pub color: String,
    /// The logo's absolute address, if it has one.
    pub logo: Option<String>,
}

impl Brand {
    /// `tenant`'s, whose pages are at `tenant_url` (from configuration).
    pub fn of(tenant: &TenantInfo, tenant_url: &str) -> Self {
        let preferences = &tenant.preferences;
        Brand {
            name: tenant.name.clone(),
            color: preferences
                .brand_color
                .clone()
                .unwrap_or_else(|| DEFAULT_BRAND_COLOR.to_owned()),
            logo: preferences
                .logo
                .as_deref()
                .map(|version| format!("{tenant_url}{}", logo_href(version))),
        }
    }
}

/// What a branded mail says: its paragraphs, the button that is its point
/// (a label and a link), and a last, smaller line.
pub struct Message<'a> {
    pub paragraphs: &'a [String],
    pub action: (&'a str, &'a str),
    pub footer: &'a str,
}

/// `message` as an HTML document in `brand`'s colours.
pub fn html(brand: &Brand, message: &Message<'_>) -> String {
    let color = escape_html(&brand.color);
    let name = escape_html(&brand.name);
    let heading = match &brand.logo {
        Some(logo) => format!(
            "<img src=\"{}\" alt=\"{name}\" height=\"40\" \
             style=\"height:40px;width:auto;border:0;vertical-align:middle;\"> \
             <span style=\"font-size:18px;font-weight:700;vertical-align:middle;\">{name}</span>",
            escape_html(logo)
        ),
        None => format!("<span style=\"font-size:18px;font-weight:700;\">{name}</span>"),
    };
    let paragraphs: String = message
        .paragraphs
        .iter()
        .map(|p| format!("<p style=\"margin:0 0 12px;\">{}</p>", escape_html(p)))
        .collect();
    let (label, link) = message.action;
    format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head>\
         <body style=\"margin:0;padding:0;background:#f4f5f7;\">\
         <table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" \
         style=\"background:#f4f5f7;padding:24px 0;\"><tr><td align=\"center\">\
         <table role=\"presentation\" width=\"560\" cellpadding=\"0\" cellspacing=\"0\" \
         style=\"background:#ffffff;border-radius:8px;border-top:6px solid {color};\
         font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1f2328;\">\
         <tr><td style=\"padding:24px 32px 8px;\">{heading}</td></tr>\
         <tr><td style=\"padding:8px 32px;font-size:15px;line-height:1.5;\">{paragraphs}</td></tr>\
         <tr><td style=\"padding:4px 32px 24px;\"><a href=\"{link}\" \
         style=\"display:inline-block;background:{color};color:#ffffff;text-decoration:none;\
         padding:10px 18px;border-radius:6px;font-weight:600;\">{label}</a></td></tr>\
         <tr><td style=\"padding:0 32px 24px;font-size:13px;color:#57606a;\">{footer}</td></tr>\
         </table></td></tr></table></body></html>",
        link = escape_html(link),
        label = escape_html(label),
        footer = escape_html(message.footer),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_organization_s_name_colour_and_logo_frame_the_escaped_text() {
        let brand = Brand {
            name: "Acme <Tools>".to_owned(),
            color: "#0b6e4f".to_owned(),
            logo: Some("https://acme.app.example/logo.png?v=abc".to_owned()),
        };
        let paragraphs = ["Join us & <b>build</b>.".to_owned()];
        let html = html(
            &brand,
            &Message {
                paragraphs: &paragraphs,
                action: (
                    "Accept",
                    "https://acme.app.example/invitation?token=t&x=\"1\"",
                ),
                footer: "Ignore it if unexpected.",
            },
        );
        assert!(html.contains("border-top:6px solid #0b6e4f"));
        assert!(html.contains("background:#0b6e4f;color:#ffffff"));
        assert!(html.contains(
            r#"<img src="https://acme.app.example/logo.png?v=abc" alt="Acme &lt;Tools&gt;""#
        ));
        assert!(html.contains("Join us &amp; &lt;b&gt;build&lt;/b&gt;."));
        assert!(html
            .contains(r#"href="https://acme.app.example/invitation?token=t&amp;x=&quot;1&quot;""#));
        assert!(!html.contains("<b>"));

        let plain = Brand {
            logo: None,
            ..brand
        };
        let html = super::html(
            &plain,
            &Message {
                paragraphs: &[],
                action: ("Go", "https://x.example/"),
                footer: "",
            },
        );
        assert!(!html.contains("<img"));
        assert!(html.contains("Acme &lt;Tools&gt;</span>"));
    }
}
