//! What the CLI tests share: the crate's server on a runtime of its own (the `fetcher`
//! binary under test is a separate process) and a temporary folder for a run's files.

#![allow(dead_code, clippy::unwrap_used)]

use std::path::PathBuf;

use fetcher::server::Server;

/// The test server, the runtime it (and any proxy a test starts) runs on, and a folder.
pub struct Site {
    /// For starting more loopback services (proxies) beside the server.
    pub runtime: tokio::runtime::Runtime,
    /// The crate's server on 127.0.0.1.
    pub server: Server,
    dir: tempfile::TempDir,
}

impl Site {
    pub fn new() -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let server = runtime
            .block_on(Server::start("127.0.0.1:0".parse().unwrap()))
            .unwrap();
        Self {
            runtime,
            server,
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub fn url(&self, path: &str) -> String {
        self.server.url(path)
    }

    /// `name` in the folder (not created).
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Writes `text` as `name` in the folder and returns its path.
    pub fn file(&self, name: &str, text: &str) -> PathBuf {
        let path = self.path(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    /// Writes `lines` as an input file, one a line, and returns its path.
    pub fn input(&self, name: &str, lines: &[String]) -> PathBuf {
        self.file(name, &(lines.join("\n") + "\n"))
    }
}
