//! The helloworld binary: `helloworld::app()` run in the mode its environment asks for
//! (on Lambda, `FLAGON_MANIFEST=1`, or a note on how to run it locally).

#[tokio::main]
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
