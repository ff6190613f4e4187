//! Sign-in through a real OpenID Connect provider (oidc-provider, started by the harness), and every way a sign-in
//! can go wrong: each ends on a Swedish error page with no session and an audit event.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use base64::Engine;
use lis_store::entity::{person, role_assignment, session};
use lis_store::sessions::SessionData;
use lis_tests::idp::IdentityProvider;
use lis_tests::{BASE_URL, Backend, TestApp, TestResponse, on_both_databases};
use lis_web::WebConfig;
use lis_web::auth::oidc::{Oidc, OidcConfig};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

const ROLE_MAP: &str = "lis-admins=admin,lis-ciso=ciso,lis-it=it,lis-auditors=auditor";

/// LIS with sign-in through the provider at `issuer`, an organisation and the role mapping.
async fn app_signing_in_at(backend: Backend, issuer: &str) -> TestApp {
    let config = OidcConfig {
        issuer: issuer.to_owned(),
        client_id: "lis".to_owned(),
        client_secret: Some("lis-test-secret".to_owned()),
        scopes: vec!["openid".into(), "profile".into(), "email".into()],
        groups_claim: "groups".to_owned(),
    };
    let oidc = Oidc::new(config, BASE_URL).expect("a sign-in client");
    let app = TestApp::with_config(backend, WebConfig::new(BASE_URL), Some(oidc)).await;
    let map = lis_domain::parse_role_map(ROLE_MAP).expect("role map");
    lis_store::setup::ensure_organisation(&app.db, "Testkommun", &map)
        .await
        .expect("organisation");
    app
}

/// A sign-in started at LIS: the pre-sign-in cookie and the provider's authorization URL.
struct Started {
    cookie: String,
    authorize_url: String,
}

async fn start(app: &TestApp) -> Started {
    let response = app.get("/auth/login?return_to=/me").await;
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
    Started {
        cookie: response.session_cookie().expect("a session for the sign-in under way"),
        authorize_url: response.header("location").to_owned(),
    }
}

async fn get_with_cookie(app: &TestApp, cookie: &str, uri: &str) -> TestResponse {
    app.request(
        Request::get(uri)
            .header(header::COOKIE, cookie)
            .body(Body::empty())
            .expect("request"),
    )
    .await
}

/// Signs in through the real provider as `login`; returns the callback's response.
async fn sign_in(app: &TestApp, login: &str) -> TestResponse {
    let started = start(app).await;
    let callback = lis_tests::browser::through_provider(&started.authorize_url, login).await;
    get_with_cookie(app, &started.cookie, &callback).await
}

async fn signed_in_sessions(app: &TestApp) -> u64 {
    session::Entity::find()
        .filter(session::Column::PersonId.is_not_null())
        .count(&app.db)
        .await
        .expect("count")
}

async fn failed_sign_ins(app: &TestApp) -> usize {
    let events = lis_store::audit::all_events(&app.db).await.expect("events");
    events.iter().filter(|e| e.action == "sign_in_failed").count()
}

/// A failed sign-in: the status, a Swedish page that says so, no signed-in session, an audit event.
async fn assert_refused(app: &TestApp, response: &TestResponse, status: StatusCode) {
    assert_eq!(response.status, status, "{}", response.body);
    assert!(response.body.contains("Inloggningen misslyckades"), "{}", response.body);
    assert!(response.session_cookie().is_none(), "no session cookie is set");
    assert_eq!(signed_in_sessions(app).await, 0, "no session was created");
    assert!(failed_sign_ins(app).await >= 1, "the failure is in the audit trail");
}

async fn a_person_signs_in_through_the_provider_and_out_again(backend: Backend) {
    let provider = IdentityProvider::real(BASE_URL);
    let app = app_signing_in_at(backend, &provider.issuer).await;
    let response = sign_in(&app, "anna.admin").await;
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
    assert_eq!(response.header("location"), "/me", "back where the sign-in started");
    let cookie = response.session_cookie().expect("a session");

    let home = get_with_cookie(&app, &cookie, "/").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains("Anna Admin (administratör)"), "{}", home.body);
    let csp = home.header("content-security-policy");
    assert!(
        csp.contains(&format!("form-action 'self' {};", provider.issuer)),
        "signing out may lead to the provider: {csp}"
    );

    let anna = person::Entity::find()
        .one(&app.db)
        .await
        .expect("query")
        .expect("the person was created");
    assert_eq!(
        (anna.oidc_issuer.as_str(), anna.oidc_subject.as_str()),
        (provider.issuer.as_str(), "anna.admin")
    );
    assert_eq!(anna.email.as_deref(), Some("anna.admin@testkommun.se"));
    let roles = role_assignment::Entity::find().all(&app.db).await.expect("roles");
    assert_eq!(
        roles
            .iter()
            .map(|r| (r.role.as_str(), r.source.as_str()))
            .collect::<Vec<_>>(),
        [("admin", "idp")]
    );

    // Sign out: the session ends and the browser goes on to the provider's end-session endpoint.
    let marker = r#"name="csrf_token" value=""#;
    let at = home.body.find(marker).expect("sign-out form") + marker.len();
    let csrf = home.body[at..].split('"').next().expect("token");
    let out = app
        .post_form(Some(&cookie), "/auth/logout", &[("csrf_token", csrf)])
        .await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    let end_session = out.header("location");
    assert!(
        end_session.starts_with(&format!("{}/session/end", provider.issuer)),
        "{end_session}"
    );
    assert!(end_session.contains("id_token_hint=") && end_session.contains("post_logout_redirect_uri="));
    assert_eq!(
        get_with_cookie(&app, &cookie, "/").await.status,
        StatusCode::SEE_OTHER,
        "the old cookie is refused"
    );
    assert_eq!(signed_in_sessions(&app).await, 0);
}

async fn roles_follow_the_groups_at_every_sign_in(backend: Backend) {
    let provider = IdentityProvider::real(BASE_URL);
    let app = app_signing_in_at(backend, &provider.issuer).await;
    assert_eq!(sign_in(&app, "ivar.it").await.status, StatusCode::SEE_OTHER);
    let roles = || async { role_assignment::Entity::find().all(&app.db).await.expect("roles") };
    assert_eq!(roles().await.iter().map(|r| r.role.clone()).collect::<Vec<_>>(), ["it"]);

    let organisation = app.organisation_id().await;
    let ctx = lis_store::audit::ChangeContext::system("test");
    let txn = sea_orm::TransactionTrait::begin(&app.db).await.expect("begin");
    let map = lis_domain::parse_role_map("lis-it=auditor").expect("map");
    lis_store::role_mapping::replace(&txn, &ctx, organisation, &map)
        .await
        .expect("replace");
    txn.commit().await.expect("commit");
    assert_eq!(sign_in(&app, "ivar.it").await.status, StatusCode::SEE_OTHER);
    assert_eq!(
        roles().await.iter().map(|r| r.role.clone()).collect::<Vec<_>>(),
        ["auditor"]
    );
    assert_eq!(
        person::Entity::find().count(&app.db).await.expect("count"),
        1,
        "the same person, by issuer and subject"
    );

    // A role limited to one org unit comes along with its scope.
    let txn = sea_orm::TransactionTrait::begin(&app.db).await.expect("begin");
    let unit = lis_domain::OrgUnitKind::Avdelning;
    let new = lis_store::organisation::NewOrgUnit {
        parent_id: None,
        name: "IT-enheten".into(),
        kind: unit,
        position: 0,
        external_id: None,
    };
    let it_unit = lis_store::organisation::create_org_unit(&txn, &ctx, organisation, new)
        .await
        .expect("unit");
    let map = lis_domain::parse_role_map(&format!("lis-it=it@{}", it_unit.id)).expect("map");
    lis_store::role_mapping::replace(&txn, &ctx, organisation, &map)
        .await
        .expect("replace");
    txn.commit().await.expect("commit");
    assert_eq!(sign_in(&app, "ivar.it").await.status, StatusCode::SEE_OTHER);
    let scoped: Vec<(String, Option<i64>)> = roles().await.into_iter().map(|r| (r.role, r.org_unit_id)).collect();
    assert_eq!(scoped, [("it".to_owned(), Some(it_unit.id))]);

    let nobody = sign_in(&app, "nils.nobody").await;
    let cookie = nobody.session_cookie().expect("signed in");
    let page = get_with_cookie(&app, &cookie, "/").await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(
        page.body.contains("Nils Nobody") && page.body.contains("Du har ingen roll i LIS ännu"),
        "{}",
        page.body
    );
}

async fn a_tampered_or_missing_state_is_refused(backend: Backend) {
    let provider = IdentityProvider::real(BASE_URL);
    let app = app_signing_in_at(backend, &provider.issuer).await;
    let started = start(&app).await;
    let callback = lis_tests::browser::through_provider(&started.authorize_url, "anna.admin").await;
    let tampered = callback.replace("state=", "state=x");
    assert_refused(
        &app,
        &get_with_cookie(&app, &started.cookie, &tampered).await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    // The attempt used the sign-in up: the right state no longer works either.
    let retry = get_with_cookie(&app, &started.cookie, &callback).await;
    assert_refused(&app, &retry, StatusCode::BAD_REQUEST).await;

    let started = start(&app).await;
    let callback = lis_tests::browser::through_provider(&started.authorize_url, "anna.admin").await;
    let without_state: String = callback
        .split('&')
        .filter(|p| !p.contains("state="))
        .collect::<Vec<_>>()
        .join("&");
    let response = get_with_cookie(&app, &started.cookie, &without_state).await;
    assert_refused(&app, &response, StatusCode::BAD_REQUEST).await;
    let no_session = app.get(&callback).await;
    assert_refused(&app, &no_session, StatusCode::BAD_REQUEST).await;
}

async fn a_replayed_authorization_code_is_refused(backend: Backend) {
    let provider = IdentityProvider::real(BASE_URL);
    let app = app_signing_in_at(backend, &provider.issuer).await;
    let started = start(&app).await;
    let callback = lis_tests::browser::through_provider(&started.authorize_url, "anna.admin").await;
    assert_eq!(
        get_with_cookie(&app, &started.cookie, &callback).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(signed_in_sessions(&app).await, 1);

    // An attacker holding the code starts their own sign-in and presents the used code with their own state.
    let attacker = start(&app).await;
    let state = query_value(&attacker.authorize_url, "state");
    let code = query_value(&format!("{BASE_URL}{callback}"), "code");
    let replay = get_with_cookie(
        &app,
        &attacker.cookie,
        &format!("/auth/callback?code={code}&state={state}"),
    )
    .await;
    assert_eq!(replay.status, StatusCode::BAD_REQUEST, "{}", replay.body);
    assert!(replay.body.contains("Inloggningen misslyckades"));
    assert!(replay.session_cookie().is_none());
    assert_eq!(
        signed_in_sessions(&app).await,
        1,
        "only the honest sign-in has a session"
    );
}

async fn a_wrong_nonce_is_refused(backend: Backend) {
    let provider = IdentityProvider::real(BASE_URL);
    let app = app_signing_in_at(backend, &provider.issuer).await;
    let started = start(&app).await;
    let callback = lis_tests::browser::through_provider(&started.authorize_url, "anna.admin").await;
    // Change the nonce the session expects, as if the token had been issued for another sign-in.
    let stored = session::Entity::find()
        .one(&app.db)
        .await
        .expect("query")
        .expect("the pending session");
    let mut data: SessionData = serde_json::from_value(stored.data.clone()).expect("data");
    data.pending_sign_in.as_mut().expect("pending").nonce = "a-different-nonce".to_owned();
    session::ActiveModel {
        id: Set(stored.id),
        data: Set(serde_json::to_value(&data).expect("json")),
        ..Default::default()
    }
    .update(&app.db)
    .await
    .expect("update");
    let response = get_with_cookie(&app, &started.cookie, &callback).await;
    assert_refused(&app, &response, StatusCode::UNAUTHORIZED).await;
}

async fn an_expired_id_token_is_refused(backend: Backend) {
    // The provider's clock runs a minute behind and its ID tokens last ten seconds: expired when LIS reads them.
    let provider = IdentityProvider::late(BASE_URL, 60, 10);
    let app = app_signing_in_at(backend, &provider.issuer).await;
    let response = sign_in(&app, "anna.admin").await;
    assert_refused(&app, &response, StatusCode::UNAUTHORIZED).await;
}

fn query_value(url: &str, name: &str) -> String {
    let parsed = url::Url::parse(url).expect("a URL");
    parsed
        .query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
        .expect(name)
}

/// A sign-in through the forger, whose ID token has `flaw`.
async fn forged_sign_in(app: &TestApp, flaw: &str) -> TestResponse {
    let started = start(app).await;
    let state = query_value(&started.authorize_url, "state");
    let nonce = query_value(&started.authorize_url, "nonce");
    let order = serde_json::json!({ "flaw": flaw, "nonce": nonce, "sub": "forged" }).to_string();
    let code = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(order);
    get_with_cookie(
        app,
        &started.cookie,
        &format!("/auth/callback?code={code}&state={state}"),
    )
    .await
}

async fn forged_id_tokens_are_refused_and_an_honest_one_is_not(backend: Backend) {
    let forger = IdentityProvider::forger();
    let app = app_signing_in_at(backend, &forger.issuer).await;
    for flaw in ["wrong-audience", "expired", "wrong-nonce", "wrong-issuer", "wrong-key"] {
        let response = forged_sign_in(&app, flaw).await;
        assert_eq!(response.status, StatusCode::UNAUTHORIZED, "{flaw}: {}", response.body);
        assert!(response.body.contains("Inloggningen misslyckades"), "{flaw}");
        assert!(response.session_cookie().is_none(), "{flaw}");
        assert_eq!(signed_in_sessions(&app).await, 0, "{flaw}");
    }
    assert_eq!(failed_sign_ins(&app).await, 5);
    // The same forger with no flaw signs in: the refusals above are the flaws', not the forger's.
    let honest = forged_sign_in(&app, "none").await;
    assert_eq!(honest.status, StatusCode::SEE_OTHER, "{}", honest.body);
    assert_eq!(signed_in_sessions(&app).await, 1);
}

async fn a_provider_that_is_down_gives_a_clear_page(backend: Backend) {
    // Port 1 on loopback: nothing listens there.
    let app = app_signing_in_at(backend, "http://127.0.0.1:1").await;
    let response = app.get("/auth/login").await;
    assert_eq!(response.status, StatusCode::BAD_GATEWAY, "{}", response.body);
    assert!(response.body.contains("Inloggningen misslyckades"), "{}", response.body);
    assert!(response.session_cookie().is_none());
    assert_eq!(failed_sign_ins(&app).await, 1);
}

async fn a_disabled_person_cannot_sign_in(backend: Backend) {
    let provider = IdentityProvider::real(BASE_URL);
    let app = app_signing_in_at(backend, &provider.issuer).await;
    assert_eq!(sign_in(&app, "cecilia.ciso").await.status, StatusCode::SEE_OTHER);
    let cecilia = person::Entity::find()
        .one(&app.db)
        .await
        .expect("query")
        .expect("person");
    let ctx = lis_store::audit::ChangeContext::system("test");
    let txn = sea_orm::TransactionTrait::begin(&app.db).await.expect("begin");
    lis_store::people::set_disabled(&txn, &ctx, cecilia.organisation_id, cecilia.id, true)
        .await
        .expect("disable");
    txn.commit().await.expect("commit");
    assert_eq!(signed_in_sessions(&app).await, 0, "disabling ended the session");
    let response = sign_in(&app, "cecilia.ciso").await;
    assert_refused(&app, &response, StatusCode::FORBIDDEN).await;
}

on_both_databases!(
    a_person_signs_in_through_the_provider_and_out_again,
    roles_follow_the_groups_at_every_sign_in,
    a_tampered_or_missing_state_is_refused,
    a_replayed_authorization_code_is_refused,
    a_wrong_nonce_is_refused,
    an_expired_id_token_is_refused,
    forged_id_tokens_are_refused_and_an_honest_one_is_not,
    a_provider_that_is_down_gives_a_clear_page,
    a_disabled_person_cannot_sign_in,
);
