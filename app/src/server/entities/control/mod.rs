//! Tables of the control-plane database that the web app owns: who people
//! are and where they are members. The engine's own tables (tenants,
//! database servers, warm databases, platform audit) are `tenancy::entities`.

pub mod invitation_blocks;
pub mod invitations;
pub mod memberships;
pub mod one_time_tokens;
pub mod outbox;
pub mod sessions;
pub mod users;
