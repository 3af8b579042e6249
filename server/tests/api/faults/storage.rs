//! The disk of SQLite tenants full: a small `tmpfs` of the test's own holds
//! the tenant databases (the control database stays elsewhere), so the test
//! needs root, as `make test` runs here. (A read-only disk cannot be made
//! under open database files: Linux refuses to remount it while they are
//! open for writing; the read-only case is PostgreSQL's, in `postgres`.)

use super::{add_team, home, is_clear_503, is_signed_in_home};
use crate::helpers::{spawn_app_with, Backend, TestApp};
use sea_orm::{ConnectionTrait, Statement};
use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A `tmpfs` mounted for one test, unmounted when dropped.
struct Tmpfs {
    path: PathBuf,
}

impl Tmpfs {
    fn mount(size: &str) -> Tmpfs {
        let path = std::env::temp_dir()
            .join("tenantry-tests")
            .join(format!("disk-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&path).expect("create the mount point");
        mount(
            &["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"],
            &path,
        );
        Tmpfs { path }
    }

    /// Fills what is left of it with one file, which is returned.
    fn fill(&self) -> PathBuf {
        let filler = self.path.join("filler");
        let mut file = std::fs::File::create(&filler).expect("create the filler");
        for chunk in [1 << 20, 4096, 512] {
            let zeros = vec![0u8; chunk];
            while file.write_all(&zeros).is_ok() {}
        }
        let _ = file.sync_all();
        filler
    }
}

fn mount(args: &[&str], path: &Path) {
    let status = Command::new("mount")
        .args(args)
        .arg(path)
        .status()
        .expect("run mount");
    assert!(
        status.success(),
        "mount {args:?} {} failed: the storage fault tests need root (as `make test` runs)",
        path.display()
    );
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.path).status();
        let _ = std::fs::remove_dir(&self.path);
    }
}

/// An app whose SQLite tenant databases live on `disk`.
async fn app_on(disk: &Tmpfs) -> TestApp {
    let tenants = disk.path.join("tenants").display().to_string();
    spawn_app_with(Backend::Sqlite, &["--tenant-databases", &tenants]).await
}

#[tokio::test]
async fn a_full_disk_refuses_a_sqlite_tenants_writes_clearly_and_corrupts_nothing() {
    let disk = Tmpfs::mount("8m");
    let app = app_on(&disk).await;
    let host = app.tenant_host("full");
    let mut jar = app.signed_in_owner("full").await;
    let mut acknowledged = BTreeSet::new();
    for i in 0..3 {
        let name = format!("Kept {i}");
        let added = add_team(app.client, &host, &name, &mut jar).await.unwrap();
        assert_eq!(added.0, 200, "{}", added.1);
        acknowledged.insert(name);
    }

    let filler = disk.fill();
    // What the database file and its log had spare is used up first; then
    // every write is refused clearly, and nothing is half-done.
    let mut refused = 0;
    for i in 0..200 {
        let name = format!("Later {i}");
        let answer = add_team(app.client, &host, &name, &mut jar).await.unwrap();
        if answer.0 == 200 {
            acknowledged.insert(name);
            continue;
        }
        assert!(is_clear_503(&answer), "{} {}", answer.0, answer.1);
        refused += 1;
        if refused == 3 {
            break;
        }
    }
    assert_eq!(refused, 3, "the full disk refused writes");
    let page = home(app.client, &host, &mut jar).await.unwrap();
    assert!(
        is_signed_in_home(&page),
        "reads go on: {} {}",
        page.0,
        page.1
    );
    println!("{} writes acknowledged, then refused", acknowledged.len());

    std::fs::remove_file(filler).unwrap();
    let added = add_team(app.client, &host, "After", &mut jar)
        .await
        .unwrap();
    assert_eq!(added.0, 200, "writes again once there is room: {}", added.1);
    acknowledged.insert("After".to_owned());
    assert_intact(&app, "full", &acknowledged).await;
}

/// The tenant's database passes SQLite's integrity check and holds exactly
/// the acknowledged teams.
async fn assert_intact(app: &TestApp, slug: &str, teams: &BTreeSet<String>) {
    let tenant = app.tenant(slug).await.unwrap();
    let db = app.tenant_db(&tenant).await;
    let backend = db.get_database_backend();
    let check = db
        .query_one_raw(Statement::from_string(backend, "PRAGMA integrity_check"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(check.try_get_by_index::<String>(0).unwrap(), "ok");
    db.close().await.ok();
    assert_eq!(&app.team_names(slug).await, teams);
}
