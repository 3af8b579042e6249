//! The limits the validation applies, as the document states them. Each
//! function here is the `schema_with` of one kind of field, built from the
//! constants and the character rule ([`visible_pattern`]) the model checks
//! with, so that the document and the checks cannot drift apart.
//! `server/tests/api/rest/fuzz.rs` sends every field values on both sides
//! of each limit and checks that the answers agree with the document.

use super::extract::MAX_PER_PAGE;
use crate::model::{
    account::MAX_ORG_NAME_LEN,
    mapping::{check_label, MAX_LABELS_PER_REPOSITORY, MAX_LABEL_LEN},
    repositories::{line_pattern, MAX_REPOSITORY_NAME_LEN, MAX_SEARCH_LEN},
    teams::MAX_TEAM_NAME_LEN,
    visible_pattern, AppError,
};
use crate::server::org::mapping::engine::MAX_PATTERN_LEN;
use utoipa::openapi::{
    schema::{ArrayBuilder, SchemaFormat, SchemaType, Type},
    Array, Object, ObjectBuilder,
};

/// Highest page number: beyond any list an organization may hold, and far
/// from an offset that would overflow.
pub const MAX_PAGE: u64 = 1_000_000;

fn text(min: usize, max: usize, also: &str) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(SchemaType::Type(Type::String))
        .min_length(Some(min))
        .max_length(Some(max))
        .pattern(Some(visible_pattern(also)))
}

fn integer(min: u64, max: u64) -> Object {
    ObjectBuilder::new()
        .schema_type(SchemaType::Type(Type::Integer))
        .minimum(Some(min))
        .maximum(Some(max))
        .build()
}

pub(super) fn team_name() -> Object {
    text(1, MAX_TEAM_NAME_LEN, "").build()
}

pub(super) fn organization_name() -> Object {
    text(1, MAX_ORG_NAME_LEN, "").build()
}

/// A label: no comma either (lists of labels are comma-separated).
pub(super) fn label() -> Object {
    text(1, MAX_LABEL_LEN, ",").build()
}

pub(super) fn labels() -> Array {
    ArrayBuilder::new()
        .items(label())
        .max_items(Some(MAX_LABELS_PER_REPOSITORY))
        .description(Some(
            "Compared ignoring case; a label given twice is kept once.",
        ))
        .build()
}

/// A repository's `owner/name` or git address.
pub(super) fn repository() -> Object {
    text(1, MAX_REPOSITORY_NAME_LEN, "")
        .pattern(Some(line_pattern()))
        .description(Some(
            "`owner/name` or a git address (https, ssh or scp-like).",
        ))
        .build()
}

/// A mapping rule's regular expression.
pub(super) fn pattern() -> Object {
    text(1, MAX_PATTERN_LEN, "")
        .format(Some(SchemaFormat::Custom("regex".to_owned())))
        .description(Some(
            "A regular expression (Rust `regex` syntax), matched ignoring case.",
        ))
        .build()
}

pub(super) fn search() -> Object {
    text(0, MAX_SEARCH_LEN, "")
        .description(Some("Part of the name."))
        .build()
}

pub(super) fn page() -> Object {
    integer(1, MAX_PAGE)
}

pub(super) fn per_page() -> Object {
    integer(1, MAX_PER_PAGE)
}

/// `?page=&per_page=` within the document's bounds.
pub(super) fn check_paging(page: Option<u64>, per_page: Option<u64>) -> Result<(), AppError> {
    if page.is_some_and(|p| !(1..=MAX_PAGE).contains(&p)) {
        return Err(AppError::field(
            "page",
            format!("Ask for a page from 1 to {MAX_PAGE}."),
        ));
    }
    if per_page.is_some_and(|n| !(1..=MAX_PER_PAGE).contains(&n)) {
        return Err(AppError::field(
            "per_page",
            format!("Ask for 1 to {MAX_PER_PAGE} items a page."),
        ));
    }
    Ok(())
}

/// `?label=`: a label's rules.
pub(super) fn check_label_filter(label: &str) -> Result<(), AppError> {
    check_label(label).map_err(|message| AppError::field("label", message))
}
