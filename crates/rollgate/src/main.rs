//! The `rollgate` binary: parses flags and hands over to [`rollgate::run`].
#![forbid(unsafe_code)]

fn main() {
    rollgate::install_panic_hook();
    let code = rollgate::run(std::env::args_os());
    std::process::exit(code);
}
