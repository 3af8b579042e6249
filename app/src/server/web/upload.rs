//! The file a multipart form sends (server functions with
//! `input = MultipartFormData`: the logo, a CSV of invitations).

use crate::model::AppError;
use server_fn::codec::MultipartData;

/// The bytes of the form's file field `name`, read to the end of the body
/// and kept up to one byte past `max` (enough to say it is too large);
/// empty when the form has no such field. A broken upload is an error on
/// the form's field `shown_at`.
pub async fn file_field(
    data: MultipartData,
    name: &str,
    max: usize,
    shown_at: &str,
) -> Result<Vec<u8>, AppError> {
    let incomplete = |_| AppError::field(shown_at, "The upload did not arrive whole: try again.");
    let Some(mut form) = data.into_inner() else {
        return Ok(Vec::new());
    };
    let mut bytes = Vec::new();
    while let Some(mut field) = form.next_field().await.map_err(incomplete)? {
        if field.name() != Some(name) {
            continue;
        }
        while let Some(chunk) = field.chunk().await.map_err(incomplete)? {
            let room = (max + 1).saturating_sub(bytes.len());
            bytes.extend_from_slice(&chunk[..chunk.len().min(room)]);
        }
    }
    Ok(bytes)
}
