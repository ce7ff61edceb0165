//! The server's integration tests: one binary, run against SQLite and, when
//! `PORTICO_TEST_PG_URL` is set (`cargo xtask test` starts a PostgreSQL and sets
//! it), against PostgreSQL too.

mod catalog;
mod catalog_cli;
mod catalog_crash;
mod catalog_git;
mod catalog_predicates;
mod cli;
mod git_server;
mod http;
mod running;
mod search;
mod support;
mod techdocs;
mod techdocs_cli;
mod techdocs_local;
mod techdocs_publish;
mod techdocs_serve;
