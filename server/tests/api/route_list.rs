//! Building a server's router while another server in the same process
//! serves pages. Leptos makes a router's route list by rendering the app
//! with every resource's loading switched off, through one flag for the
//! whole process (`leptos_server::SuppressResourceLoad`): a page whose
//! resource started meanwhile, in any server of the process, would wait
//! for its data forever (until the request deadline's 503). The route list
//! is made once per process, so this can no longer happen; this test is
//! how the suite's rare 15 s stalls were found (issue 15).

use crate::helpers::{spawn_app, Backend};
use std::sync::{
    atomic::{AtomicBool, Ordering},
    Arc,
};
use std::time::Duration;

/// Far longer than a page takes here, far shorter than the deadline.
const PATIENCE: Duration = Duration::from_secs(5);

/// Views of the page while routers are built: enough that, before the fix,
/// some resource started inside a build's window (23 of 300 here).
const VIEWS: usize = 300;

#[tokio::test]
async fn pages_keep_loading_while_another_router_is_built_in_the_process() {
    let app = spawn_app(Backend::Sqlite).await;
    let mut jar = app.signed_in_owner("acme").await;
    let host = app.tenant_host("acme");

    // Routers built back to back on another thread, as the tests' servers
    // start beside each other.
    let stop = Arc::new(AtomicBool::new(false));
    let builder = std::thread::spawn({
        let stop = Arc::clone(&stop);
        let state = app.state.clone();
        move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime for the router");
            runtime.block_on(async move {
                let mut built = 0u32;
                while !stop.load(Ordering::Relaxed) {
                    drop(server::router(state.clone()));
                    built += 1;
                }
                built
            })
        }
    });

    let mut stalled = Vec::new();
    for view in 0..VIEWS {
        // A page whose shell and list are resources, read afresh each time.
        app.state.authority.clear();
        match tokio::time::timeout(PATIENCE, app.get(&host, "/teams", Some(&mut jar))).await {
            Ok(page) => assert_eq!(page.status, 200, "{}", page.body),
            Err(_) => stalled.push(view),
        }
    }
    stop.store(true, Ordering::Relaxed);
    let built = builder.join().expect("the router builder");
    assert!(built > 0, "no router was built meanwhile");
    assert!(
        stalled.is_empty(),
        "views {stalled:?} of {VIEWS} got no answer within {PATIENCE:?} while {built} routers \
         were built beside them"
    );
}
