//! Pages on the apex host `BASE`: sign-up, the organizations one belongs
//! to, and getting back in (a lost password, a forgotten address). The
//! log-in and password pages are served on `SLUG.BASE` too, and say which
//! host they are on.

pub mod login;
pub mod organizations;
pub mod recovery;
pub mod signup;

pub use login::LoginPage;
pub use organizations::OrganizationsPage;
pub use recovery::{FindOrganizationsPage, ForgotPasswordPage, ResetPasswordPage};
pub use signup::SignUpPage;
