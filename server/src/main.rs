//! The `portico` binary: parse the command line, run, and turn any error into one
//! clear line on stderr and a non-zero exit (never a panic backtrace).

use std::process::ExitCode;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = <portico_server::cli::Cli as clap::Parser>::parse();
    match portico_server::cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            // `{:#}` prints the whole context chain on one line: what failed, then why.
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
