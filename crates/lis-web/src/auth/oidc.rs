//! OpenID Connect sign-in with the `openidconnect` crate: discovery, the authorization-code flow with PKCE, `state`
//! and `nonce`, and ID-token validation (signature, issuer, audience, expiry, nonce).

use std::time::{Duration, Instant};

use lis_store::people::SignInIdentity;
use lis_store::sessions::PendingSignIn;
use openidconnect::core::{
    CoreAuthDisplay, CoreAuthPrompt, CoreErrorResponseType, CoreGenderClaim, CoreJsonWebKey,
    CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm, CoreResponseType, CoreRevocableToken,
    CoreRevocationErrorResponse, CoreTokenIntrospectionResponse, CoreTokenType,
};
use openidconnect::{
    AdditionalClaims, AuthenticationFlow, AuthorizationCode, Client, ClientId, ClientSecret, CsrfToken,
    EmptyExtraTokenFields, EndpointMaybeSet, EndpointNotSet, EndpointSet, IdTokenFields, IssuerUrl, LogoutRequest,
    Nonce, PkceCodeChallenge, PkceCodeVerifier, PostLogoutRedirectUrl, ProviderMetadataWithLogout, RedirectUrl, Scope,
    StandardErrorResponse, StandardTokenResponse, TokenResponse,
};
use serde::{Deserialize, Serialize};
use tokio::sync::Mutex;

/// How long discovered provider metadata (endpoints and keys) is reused before it is fetched again.
const METADATA_LIFETIME: Duration = Duration::from_secs(15 * 60);

/// The settings of the identity provider.
#[derive(Clone, Debug)]
pub struct OidcConfig {
    /// The issuer URL, e.g. `https://login.microsoftonline.com/<tenant>/v2.0`.
    pub issuer: String,
    /// LIS's client id at the provider.
    pub client_id: String,
    /// LIS's client secret, if the provider gave one.
    pub client_secret: Option<String>,
    /// The scopes to ask for.
    pub scopes: Vec<String>,
    /// The claim of the ID token that lists the person's groups.
    pub groups_claim: String,
}

/// The ID token's claims beyond the standard ones: kept whole so that the groups claim can have any name.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct OtherClaims(#[serde(default)] serde_json::Map<String, serde_json::Value>);

impl AdditionalClaims for OtherClaims {}

type LisTokenResponse = StandardTokenResponse<
    IdTokenFields<
        OtherClaims,
        EmptyExtraTokenFields,
        CoreGenderClaim,
        CoreJweContentEncryptionAlgorithm,
        CoreJwsSigningAlgorithm,
    >,
    CoreTokenType,
>;

type LisClient = Client<
    OtherClaims,
    CoreAuthDisplay,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJsonWebKey,
    CoreAuthPrompt,
    StandardErrorResponse<CoreErrorResponseType>,
    LisTokenResponse,
    CoreTokenIntrospectionResponse,
    CoreRevocableToken,
    CoreRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// Why a sign-in failed, in categories that decide the status and the message.
#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    /// The provider could not be reached or answered with something other than OpenID Connect.
    #[error("the identity provider is unavailable: {0}")]
    ProviderUnavailable(String),
    /// The provider refused the authorization code (for instance a replayed one).
    #[error("the identity provider refused the authorization code: {0}")]
    CodeRefused(String),
    /// The ID token failed validation (signature, issuer, audience, expiry or nonce).
    #[error("the ID token is not valid: {0}")]
    InvalidToken(String),
    /// The configuration is unusable (for instance a malformed issuer URL).
    #[error("sign-in is misconfigured: {0}")]
    Misconfigured(String),
}

/// A started sign-in: where to send the browser, and what the callback must find again.
#[derive(Debug)]
pub struct StartedSignIn {
    /// The provider's authorization URL.
    pub authorize_url: String,
    /// The state, nonce and PKCE verifier to keep in the session.
    pub pending: PendingSignIn,
}

/// A finished sign-in.
#[derive(Debug)]
pub struct FinishedSignIn {
    /// Who signed in.
    pub identity: SignInIdentity,
    /// The raw ID token, kept for the provider's end-session endpoint.
    pub id_token: String,
}

/// The sign-in client for one provider. Provider metadata is cached for a while; everything else is per request.
#[derive(Debug)]
pub struct Oidc {
    config: OidcConfig,
    redirect_url: RedirectUrl,
    post_logout_url: Option<PostLogoutRedirectUrl>,
    http: reqwest::Client,
    metadata: Mutex<Option<(Instant, ProviderMetadataWithLogout)>>,
}

impl Oidc {
    /// A client for the provider, redirecting back to `<base_url>/auth/callback`.
    pub fn new(config: OidcConfig, base_url: &str) -> Result<Self, SignInError> {
        IssuerUrl::new(config.issuer.clone()).map_err(|e| SignInError::Misconfigured(format!("issuer: {e}")))?;
        let redirect_url = RedirectUrl::new(format!("{base_url}/auth/callback"))
            .map_err(|e| SignInError::Misconfigured(format!("redirect URL: {e}")))?;
        let post_logout_url = PostLogoutRedirectUrl::new(format!("{base_url}/")).ok();
        let http = reqwest::Client::builder()
            // Following redirects would let a provider send LIS's requests elsewhere (SSRF).
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| SignInError::Misconfigured(format!("HTTP client: {e}")))?;
        Ok(Self {
            config,
            redirect_url,
            post_logout_url,
            http,
            metadata: Mutex::new(None),
        })
    }

    /// The provider's origin (`scheme://host[:port]`), which LIS's forms may lead to when signing out.
    pub fn issuer_origin(&self) -> Option<String> {
        let url = url::Url::parse(&self.config.issuer).ok()?;
        Some(url.origin().ascii_serialization()).filter(|origin| origin != "null")
    }

    async fn provider(&self) -> Result<ProviderMetadataWithLogout, SignInError> {
        let mut cached = self.metadata.lock().await;
        if let Some((fetched, metadata)) = cached.as_ref()
            && fetched.elapsed() < METADATA_LIFETIME
        {
            return Ok(metadata.clone());
        }
        let issuer =
            IssuerUrl::new(self.config.issuer.clone()).map_err(|e| SignInError::Misconfigured(e.to_string()))?;
        let metadata = ProviderMetadataWithLogout::discover_async(issuer, &self.http)
            .await
            .map_err(|e| SignInError::ProviderUnavailable(error_chain(&e)))?;
        *cached = Some((Instant::now(), metadata.clone()));
        Ok(metadata)
    }

    async fn client(&self) -> Result<LisClient, SignInError> {
        let metadata = self.provider().await?;
        let secret = self.config.client_secret.clone().map(ClientSecret::new);
        Ok(
            LisClient::from_provider_metadata(metadata, ClientId::new(self.config.client_id.clone()), secret)
                .set_redirect_uri(self.redirect_url.clone()),
        )
    }

    /// Starts a sign-in: a fresh state, nonce and PKCE pair, and the provider's authorization URL.
    pub async fn start(&self, return_to: String) -> Result<StartedSignIn, SignInError> {
        let client = self.client().await?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut request = client.authorize_url(
            AuthenticationFlow::<CoreResponseType>::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        );
        for scope in self.config.scopes.iter().filter(|s| *s != "openid") {
            request = request.add_scope(Scope::new(scope.clone()));
        }
        let (url, state, nonce) = request.set_pkce_challenge(challenge).url();
        Ok(StartedSignIn {
            authorize_url: url.to_string(),
            pending: PendingSignIn {
                state: state.secret().clone(),
                nonce: nonce.secret().clone(),
                pkce_verifier: verifier.secret().clone(),
                return_to,
            },
        })
    }

    /// Finishes a sign-in: exchanges the code (with the PKCE verifier) and validates the ID token against the
    /// provider's keys, the issuer, LIS's client id, the clock and the nonce.
    pub async fn finish(&self, code: String, pending: &PendingSignIn) -> Result<FinishedSignIn, SignInError> {
        let client = self.client().await?;
        let token_response = client
            .exchange_code(AuthorizationCode::new(code))
            .map_err(|e| SignInError::Misconfigured(e.to_string()))?
            .set_pkce_verifier(PkceCodeVerifier::new(pending.pkce_verifier.clone()))
            .request_async(&self.http)
            .await
            .map_err(|e| match e {
                openidconnect::RequestTokenError::ServerResponse(response) => {
                    SignInError::CodeRefused(response.error().to_string())
                }
                other => SignInError::ProviderUnavailable(error_chain(&other)),
            })?;
        let id_token = token_response
            .id_token()
            .ok_or_else(|| SignInError::InvalidToken("the provider sent no ID token".to_owned()))?;
        let verifier = client.id_token_verifier();
        let claims = id_token
            .claims(&verifier, &Nonce::new(pending.nonce.clone()))
            .map_err(|e| SignInError::InvalidToken(error_chain(&e)))?;
        let display_name = claims
            .name()
            .and_then(|n| n.get(None))
            .map(|n| n.to_string())
            .or_else(|| claims.preferred_username().map(|u| u.to_string()))
            .or_else(|| claims.email().map(|e| e.to_string()))
            .unwrap_or_else(|| claims.subject().to_string());
        let groups = match claims.additional_claims().0.get(&self.config.groups_claim) {
            Some(serde_json::Value::Array(items)) => {
                items.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect()
            }
            Some(serde_json::Value::String(one)) => vec![one.clone()],
            _ => Vec::new(),
        };
        Ok(FinishedSignIn {
            identity: SignInIdentity {
                issuer: claims.issuer().to_string(),
                subject: claims.subject().to_string(),
                display_name,
                email: claims.email().map(|e| e.to_string()),
                groups,
            },
            id_token: id_token.to_string(),
        })
    }

    /// The provider's end-session URL for this sign-in, if the provider has one.
    pub async fn end_session_url(&self, id_token: Option<&str>) -> Option<String> {
        let metadata = self.provider().await.ok()?;
        let endpoint = metadata.additional_metadata().end_session_endpoint.clone()?;
        let mut request = LogoutRequest::from(endpoint).set_client_id(ClientId::new(self.config.client_id.clone()));
        if let Some(url) = &self.post_logout_url {
            request = request.set_post_logout_redirect_uri(url.clone());
        }
        let hint = id_token.and_then(|raw| {
            serde_json::from_value::<openidconnect::core::CoreIdToken>(serde_json::Value::String(raw.to_owned())).ok()
        });
        if let Some(token) = &hint {
            request = request.set_id_token_hint(token);
        }
        Some(request.http_get_url().to_string())
    }
}

/// An error with its causes, on one line.
fn error_chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
