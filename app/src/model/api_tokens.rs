//! API tokens as the settings page shows them.

use super::access::Role;
use serde::{Deserialize, Serialize};

pub const MAX_TOKEN_NAME_LEN: usize = 80;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiToken {
    pub id: i64,
    pub name: String,
    /// The token's first characters (`tnt_ab12…`).
    pub prefix: String,
    pub role: Role,
    pub created_by: String,
    /// `YYYY-MM-DD HH:MM UTC`.
    pub created: String,
    pub last_used: Option<String>,
}

/// A token just created: the only time its secret is shown.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedToken {
    pub token: ApiToken,
    pub secret: String,
}

/// Never prints the secret.
impl std::fmt::Debug for CreatedToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreatedToken")
            .field("token", &self.token)
            .field("secret", &"[redacted]")
            .finish()
    }
}

/// The API tokens page: the tokens, and the one just created (shown once).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiTokens {
    pub tokens: Vec<ApiToken>,
    pub just_created: Option<CreatedToken>,
}
