//! Who someone is and where they are a member, all in the control plane:
//! accounts, credentials, passwords, sessions, one-time tokens, sign-up,
//! members, invitations, recovery and email verification.
//! May import: `org` (to write an organization's audit entry), `mail`, `tenancy`.

pub mod accounts;
pub mod authority;
pub mod deletion;
pub mod digest;
pub mod invitations;
pub mod members;
pub mod password;
pub mod recovery;
pub mod session_store;
pub mod sign_in;
pub mod signup;
pub mod tokens;
pub mod unconfirmed;
pub mod verification;
