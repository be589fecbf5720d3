//! Integration tests: the real server over HTTP, on SQLite and Postgres.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

mod aws;
mod catalog;
mod concurrency;
mod consumer;
mod crash;
mod edge;
mod errors;
mod identity;
mod network;
mod openapi_doc;
mod plans;
mod plumbing;
mod process;
mod producer;
mod public_dns;
mod resolve;
mod system;
mod tenancy;
mod webhooks;
