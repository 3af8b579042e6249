//! `testdns ADDRESS FILE`: serves the records in FILE (re-read for every
//! question; see `testdns::Records::parse`) on UDP ADDRESS, for the browser
//! tests.

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(addr), Some(file)) = (args.next(), args.next()) else {
        eprintln!("usage: testdns ADDRESS:PORT RECORDS_FILE");
        std::process::exit(2);
    };
    let addr = match addr.parse() {
        Ok(addr) => addr,
        Err(e) => {
            eprintln!("testdns: {addr:?} is no address and port: {e}");
            std::process::exit(2);
        }
    };
    if let Err(e) = testdns::serve_file(addr, file.into()).await {
        eprintln!("testdns: cannot serve on {addr}: {e}");
        std::process::exit(1);
    }
}
