//! The helloworld binary: `helloworld::app()` run in the mode its environment asks for
//! (on Lambda, `FLAGON_MANIFEST=1`, or a note on how to run it locally).

// One event at a time per instance, as on Lambda: a single-threaded runtime serves it with
// fewer thread wake-ups than the multi-threaded one (`spawn_blocking` still has its pool).
#[tokio::main(flavor = "current_thread")]
async fn main() -> std::process::ExitCode {
    match helloworld::app().run().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            // `Debug` of `flagon::Error` is its readable message, "failed to ...".
            eprintln!("error: {error:?}");
            std::process::ExitCode::FAILURE
        }
    }
}
