//! [`Running`]: the `portico` binary started by a test and left running
//! while the test talks to it.
//!
//! Its output is read as it comes, on threads of its own. A child whose
//! stdout or stderr is a pipe nobody reads stops at its first write past the
//! pipe's 64 KiB, inside whatever request it was serving; a debug build's
//! Leptos warnings did that once, after about a hundred page views, and the
//! test then waited on the frozen server for the rest of CI's hour. Nothing
//! here waits without a deadline, and a child that does not exit in time is
//! killed, with its threads' stacks in the failure.

use std::io::Read;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

pub struct Running {
    child: Child,
    stdout: Option<JoinHandle<String>>,
    stderr: Option<JoinHandle<String>>,
}

/// How a [`Running`] process ended.
pub struct Exited {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

impl Running {
    /// Starts `command` with its stdout and stderr read into memory.
    pub fn start(command: &mut Command) -> Self {
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the command starts");
        let stdout = child.stdout.take().map(drain);
        let stderr = child.stderr.take().map(drain);
        Running { child, stdout, stderr }
    }

    pub fn id(&self) -> u32 {
        self.child.id()
    }

    /// Waits up to `patience` for the process to exit. One that does not is
    /// a failed test: it is killed, and the panic shows where its threads
    /// were and what it printed.
    pub fn wait(mut self, patience: Duration) -> Exited {
        let deadline = Instant::now() + patience;
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("wait for the child") {
                break status;
            }
            if Instant::now() >= deadline {
                let stacks = stacks(self.child.id());
                let _ = self.child.kill();
                let _ = self.child.wait();
                let (stdout, stderr) = self.output();
                panic!(
                    "still running after {patience:?}; killed.\n\
                     threads:\n{stacks}\nstdout:\n{stdout}\nstderr:\n{stderr}"
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let (stdout, stderr) = self.output();
        Exited { status, stdout, stderr }
    }

    /// Everything printed so far; the process must have exited.
    fn output(&mut self) -> (String, String) {
        let joined = |handle: Option<JoinHandle<String>>| {
            handle.map(|h| h.join().unwrap_or_default()).unwrap_or_default()
        };
        (joined(self.stdout.take()), joined(self.stderr.take()))
    }
}

impl Drop for Running {
    /// A test that fails half-way leaves no server behind.
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Reads a pipe to its end on a thread of its own.
fn drain(mut pipe: impl Read + Send + 'static) -> JoinHandle<String> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

/// Where each thread of `pid` is: gdb's backtraces when gdb is installed,
/// else each thread's name and the kernel function it sleeps in.
fn stacks(pid: u32) -> String {
    let gdb = Command::new("gdb")
        .args(["-p", &pid.to_string(), "-batch", "-nx", "-ex", "thread apply all bt 12"])
        .stdin(Stdio::null())
        .output();
    if let Ok(out) = gdb
        && out.status.success()
    {
        return String::from_utf8_lossy(&out.stdout).into_owned();
    }
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return "(gone)".into();
    };
    let read = |path: std::path::PathBuf| std::fs::read_to_string(path).unwrap_or_default();
    tasks
        .flatten()
        .map(|task| {
            let name = read(task.path().join("comm"));
            let waiting = read(task.path().join("wchan"));
            format!("{}: {waiting}\n", name.trim())
        })
        .collect()
}
