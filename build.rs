// Marks the Postgres integration tests as ignored (with a reason that
// `cargo test` prints) when LINKPLANE_TEST_POSTGRES_URL is not set, so that
// a run without Postgres says so instead of passing silently.
fn main() {
    println!("cargo::rustc-check-cfg=cfg(linkplane_pg_tests)");
    println!("cargo::rerun-if-env-changed=LINKPLANE_TEST_POSTGRES_URL");
    if std::env::var("LINKPLANE_TEST_POSTGRES_URL").is_ok_and(|v| !v.is_empty()) {
        println!("cargo::rustc-cfg=linkplane_pg_tests");
    }
}
