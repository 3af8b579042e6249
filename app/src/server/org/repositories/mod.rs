//! Repositories and their labels, in a tenant's own database. Every change
//! recomputes the assignments of the repositories it touched, in its own
//! transaction, and writes an audit entry. [`import`] adds pasted lists and
//! single names; [`edit`] renames, unlinks, labels and decides by hand;
//! [`query`] reads them back, filtered and paged in SQL.

mod edit;
mod import;
mod query;

pub use crate::model::mapping::parse_labels;
pub use edit::{decide, remove, rename, set_labels};
pub use import::{add_list, add_one, Added};
pub use query::{detail, list, names};

use crate::model::AppError;
use crate::server::{entities::tenant::repositories, org::found};
use sea_orm::ConnectionTrait;

/// Repositories per page of the list.
pub const PER_PAGE: u64 = 50;
/// Rows one statement reads or writes at most.
const CHUNK: usize = 500;

/// The repository `id`, or `NotFound`.
pub(super) async fn find(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<repositories::Model, AppError> {
    found::<repositories::Entity>(db, id).await
}
