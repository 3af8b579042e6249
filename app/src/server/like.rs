//! Searching text columns with SQL `LIKE`, the searched text taken
//! literally: `%` and `_` in a search match themselves, not anything.

use sea_orm::sea_query::LikeExpr;

/// `%text%` for LIKE, with LIKE's own characters escaped.
pub fn containing(text: &str) -> LikeExpr {
    let mut escaped = String::with_capacity(text.len() + 2);
    escaped.push('%');
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped.push('%');
    LikeExpr::new(escaped).escape('\\')
}
