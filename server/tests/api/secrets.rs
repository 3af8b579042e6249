//! No password, token or session id reaches the server's log: the real
//! `tenantry` binary, at its default log level, goes through sign-up, the
//! handoff, email confirmation, invitation and password reset, and its
//! whole output is searched for every secret it handled.

use crate::helpers::{eventually, spawn_app, Backend, Client, PASSWORD};
use crate::http::{CookieJar, Response};
use std::io::Read;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// A `tenantry` process and everything it printed.
struct Server {
    client: Client,
    child: Child,
    output: Arc<Mutex<String>>,
    /// The threads that copy its stdout and stderr into `output`.
    readers: Vec<JoinHandle<()>>,
}

impl Server {
    fn start(args: &[String]) -> Server {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut child = Command::new(env!("CARGO_BIN_EXE_tenantry"))
            .args(args)
            .args(["--listen", &format!("127.0.0.1:{port}")])
            .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
            .env_remove("RUST_LOG")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start tenantry");
        let output = Arc::new(Mutex::new(String::new()));
        let mut readers = Vec::new();
        for mut stream in [
            Box::new(child.stdout.take().unwrap()) as Box<dyn Read + Send>,
            Box::new(child.stderr.take().unwrap()),
        ] {
            let output = output.clone();
            readers.push(std::thread::spawn(move || {
                let mut buf = [0u8; 4096];
                while let Ok(n) = stream.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    output
                        .lock()
                        .unwrap()
                        .push_str(&String::from_utf8_lossy(&buf[..n]));
                }
            }));
        }
        Server {
            client: Client { port },
            child,
            output,
            readers,
        }
    }

    async fn wait_ready(&mut self) {
        let (client, apex) = (self.client, self.apex());
        let (child, output) = (&mut self.child, &self.output);
        eventually("tenantry to become ready", Duration::from_secs(60), || {
            assert!(
                child.try_wait().unwrap().is_none(),
                "tenantry exited: {}",
                output.lock().unwrap()
            );
            let apex = apex.clone();
            async move {
                // The client panics on a refused connection: knock first.
                let ready = tokio::net::TcpStream::connect(("127.0.0.1", client.port))
                    .await
                    .is_ok()
                    && client.get(&apex, "/readyz", None).await.status == 200;
                ready.then_some(())
            }
        })
        .await;
    }

    fn apex(&self) -> String {
        self.client.apex()
    }

    fn tenant(&self, slug: &str) -> String {
        self.client.tenant_host(slug)
    }

    async fn get(&self, host: &str, path: &str, jar: Option<&mut CookieJar>) -> Response {
        self.client.get(host, path, jar).await
    }

    async fn call(
        &self,
        host: &str,
        endpoint: &str,
        fields: &[(&str, &str)],
        jar: &mut CookieJar,
    ) -> Response {
        let response = self.client.call(host, endpoint, fields, Some(jar)).await;
        assert!(
            response.status == 200,
            "{endpoint}: {} {}",
            response.status,
            response.body
        );
        response
    }

    fn stop(mut self) -> String {
        let _ = self.child.kill();
        let _ = self.child.wait();
        // The reader threads finish with the pipes, which closed with the
        // process (tenantry starts no processes of its own).
        for reader in self.readers.drain(..) {
            let _ = reader.join();
        }
        let output = self.output.lock().unwrap().clone();
        output
    }
}

fn token_of(link: &str) -> String {
    link.split("token=").nth(1).expect("a token").to_owned()
}

#[tokio::test]
async fn no_password_token_or_session_id_reaches_the_log() {
    // The in-process app owns the databases and the SMTP sink; the binary
    // under test shares them.
    let app = spawn_app(Backend::Sqlite).await;
    let mut server = Server::start(app.args());
    server.wait_ready().await;
    let mut secrets: Vec<String> = vec![PASSWORD.to_owned()];

    let apex = server.apex();
    let host = server.tenant("acme");
    let mut owner = CookieJar::default();
    let signed_up = server
        .call(
            &apex,
            "sign_up",
            &[
                ("org_name", "Acme"),
                ("subdomain", "acme"),
                ("email", "owner@acme.test"),
                ("password", PASSWORD),
            ],
            &mut owner,
        )
        .await;
    let handoff = signed_up.header("location").unwrap().to_owned();
    secrets.push(token_of(&handoff));
    let path = handoff.split_once(&host).unwrap().1.to_owned();
    server.get(&host, &path, Some(&mut owner)).await;
    let session = owner
        .get(&host, "tenantry_session")
        .expect("a session cookie");
    secrets.push(session);

    let verify = app
        .mail
        .last_about("owner@acme.test", "Confirm your email address for Tenantry")
        .await
        .link("/verify-email")
        .unwrap();
    secrets.push(token_of(&verify));
    let confirmed = server.client.confirm_email(&verify).await;
    assert_eq!(confirmed.status, 200, "{}", confirmed.body);

    server
        .call(
            &host,
            "invite_member",
            &[("email", "new@example.test"), ("role", "member")],
            &mut owner,
        )
        .await;
    let invitation = app.mail.last_to("new@example.test").await;
    let invitation = token_of(&invitation.link("/invitation").unwrap());
    secrets.push(invitation.clone());
    let newcomer_password = "newcomer's own passphrase";
    secrets.push(newcomer_password.to_owned());
    server
        .call(
            &host,
            "accept_invitation",
            &[("token", &invitation), ("password", newcomer_password)],
            &mut CookieJar::default(),
        )
        .await;

    server
        .call(
            &apex,
            "request_password_reset",
            &[("email", "owner@acme.test")],
            &mut CookieJar::default(),
        )
        .await;
    let reset = app
        .mail
        .last_about("owner@acme.test", "Reset your Tenantry password")
        .await;
    let reset = token_of(&reset.link("/reset-password").unwrap());
    secrets.push(reset.clone());
    let new_password = "the owner's new passphrase";
    secrets.push(new_password.to_owned());
    server
        .call(
            &apex,
            "reset_password",
            &[("token", &reset), ("password", new_password)],
            &mut CookieJar::default(),
        )
        .await;

    let log = server.stop();
    assert!(log.contains("email sent"), "the log was captured: {log}");
    for secret in &secrets {
        assert!(
            !log.contains(secret.as_str()),
            "{secret:?} is in the log:\n{log}"
        );
    }
}
