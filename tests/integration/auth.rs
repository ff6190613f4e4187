//! Signing in and out, sessions, roles and administration.

mod admin;
mod demo;
mod oidc;
mod sessions;
