//! The ways in: signing up, following the handoff, logging in, signed-in
//! jars for an owner or any role, and `Org`, an organization with its owner
//! signed in and typed calls.

use super::{app_error, spawn_app, Backend, TestApp, PASSWORD};
use crate::http::{CookieJar, Response};
use app::model::Role;
use serde::de::DeserializeOwned;

/// What a successful sign-up answered.
pub struct SignedUp {
    pub slug: String,
    /// `http://SLUG.app.example:PORT/auth/handoff?token=…`
    pub handoff_url: String,
}

impl TestApp {
    /// A jar signed in on `slug`'s host as a new member with `role`.
    pub async fn signed_in_as(&self, slug: &str, role: Role) -> CookieJar {
        let email = format!("{}@{slug}.test", role.as_str());
        self.add_member(slug, &email, role).await;
        let mut jar = CookieJar::default();
        let response = self
            .log_in(&self.tenant_host(slug), &email, PASSWORD, &mut jar)
            .await;
        assert_eq!(response.status, 200, "log-in: {}", response.body);
        jar
    }

    pub async fn try_sign_up(
        &self,
        org_name: &str,
        slug: &str,
        email: &str,
        password: &str,
    ) -> Response {
        self.call(
            &self.apex(),
            "sign_up",
            &[
                ("org_name", org_name),
                ("subdomain", slug),
                ("email", email),
                ("password", password),
            ],
            None,
        )
        .await
    }

    /// Signs up `slug` with a fresh owner email and returns where to go next.
    pub async fn sign_up(&self, slug: &str) -> SignedUp {
        let email = format!("owner@{slug}.test");
        let org_name = format!("Org {slug}");
        let response = self.try_sign_up(&org_name, slug, &email, PASSWORD).await;
        assert_eq!(response.status, 200, "sign-up failed: {}", response.body);
        let handoff_url = response
            .header("location")
            .expect("sign-up redirects to the tenant")
            .to_owned();
        SignedUp {
            slug: slug.to_owned(),
            handoff_url,
        }
    }

    /// Follows the handoff link into the tenant host; the jar then holds
    /// that host's session.
    pub async fn follow_handoff(&self, signed_up: &SignedUp, jar: &mut CookieJar) -> Response {
        let path = signed_up
            .handoff_url
            .split_once(&self.tenant_host(&signed_up.slug))
            .map(|(_, path)| path.to_owned())
            .expect("handoff URL points at the tenant host");
        self.get(&self.tenant_host(&signed_up.slug), &path, Some(jar))
            .await
    }

    /// Signs up `slug` and returns a jar signed in on its host.
    pub async fn signed_in_owner(&self, slug: &str) -> CookieJar {
        let signed_up = self.sign_up(slug).await;
        let mut jar = CookieJar::default();
        let response = self.follow_handoff(&signed_up, &mut jar).await;
        assert_eq!(response.status, 303, "handoff: {}", response.body);
        jar
    }
}

/// An organization `acme` with its owner signed in.
pub struct Org {
    pub app: TestApp,
    pub jar: CookieJar,
    pub host: String,
}

impl Org {
    pub async fn new(backend: Backend) -> Org {
        let app = spawn_app(backend).await;
        let jar = app.signed_in_owner("acme").await;
        let host = app.tenant_host("acme");
        Org { app, jar, host }
    }

    /// Calls `endpoint` and expects success.
    pub async fn ok<T: DeserializeOwned>(&mut self, endpoint: &str, fields: &[(&str, &str)]) -> T {
        let response = self
            .app
            .call(&self.host, endpoint, fields, Some(&mut self.jar))
            .await;
        assert_eq!(response.status, 200, "{endpoint}: {}", response.body);
        serde_json::from_str(&response.body)
            .unwrap_or_else(|e| panic!("{endpoint}: {e}: {}", response.body))
    }

    pub async fn fails(&mut self, endpoint: &str, fields: &[(&str, &str)]) -> app::model::AppError {
        let response = self
            .app
            .call(&self.host, endpoint, fields, Some(&mut self.jar))
            .await;
        assert_ne!(response.status, 200, "{endpoint}: {}", response.body);
        app_error(&response)
    }
}
