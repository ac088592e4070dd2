//! `cargo flagon local` end to end on a real cargo-built binary: serve, edit the source,
//! rebuild, swap without dropping the request in flight, keep serving through a failed
//! build. The app is `fixtures/tinyapp` (std only, so its build takes seconds), copied to a
//! temporary directory so it can be edited.

mod common;

use std::path::Path;
use std::time::Duration;

use common::http::request;
use flagon_local::app::{AppSource, Settings};
use flagon_local::run::{self, LocalOptions};

fn copy_fixture(to: &Path) {
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tinyapp");
    std::fs::create_dir_all(to.join("src")).unwrap();
    std::fs::copy(from.join("Cargo.toml"), to.join("Cargo.toml")).unwrap();
    std::fs::copy(from.join("src/main.rs"), to.join("src/main.rs")).unwrap();
}

fn set_version(dir: &Path, line: &str) {
    let main = dir.join("src/main.rs");
    let source = std::fs::read_to_string(&main).unwrap();
    let start = source.find("const VERSION").unwrap();
    let end = start + source[start..].find('\n').unwrap();
    let edited = format!("{}{line}{}", &source[..start], &source[end..]);
    std::fs::write(&main, edited).unwrap();
}

async fn body(addr: std::net::SocketAddr, path: &str) -> (u16, String) {
    let r = request(addr, "GET", path, &[], b"").await;
    (r.status, String::from_utf8_lossy(&r.body).into_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn source_change_swaps_builds_without_dropping_requests() {
    let dir = tempfile::tempdir().unwrap();
    copy_fixture(dir.path());
    let options = LocalOptions {
        source: AppSource {
            dir: dir.path().to_owned(),
            bin: None,
            release: false,
        },
        settings: Settings::default(),
        api_addr: "127.0.0.1:0".into(),
        lambda_addr: None,
        schedules: None,
        reload: true,
        configure: None,
    };
    let running = run::start(options).await.expect("tinyapp builds");
    let addr = running.api_addr;
    let mut reloads = running.reloads.clone();
    assert_eq!(body(addr, "/").await, (200, "one".into()));

    // A request in flight when the new build lands is answered by the old one.
    let slow = tokio::spawn(async move { body(addr, "/slow").await });
    // Edit only once the slow request holds the warm instance of the first build.
    let pool = running.emulator.pool("api_handler").unwrap();
    while pool.idle_instances() > 0 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    set_version(dir.path(), r#"const VERSION: &str = "two";"#);
    tokio::time::timeout(Duration::from_secs(120), reloads.changed())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(reloads.borrow().error, None);
    assert_eq!(body(addr, "/").await, (200, "two".into()));
    assert_eq!(slow.await.unwrap(), (200, "one".into()));

    // A failed build keeps the previous one serving, and reports the compiler's error.
    set_version(dir.path(), r#"const VERSION: &str = ;"#);
    tokio::time::timeout(Duration::from_secs(120), reloads.changed())
        .await
        .unwrap()
        .unwrap();
    let error = reloads.borrow().error.clone().expect("the build fails");
    assert!(error.contains("expected expression"), "{error}");
    assert_eq!(body(addr, "/").await, (200, "two".into()));
}
