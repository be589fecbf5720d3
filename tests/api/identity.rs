use crate::on_both_databases;
use crate::support::{ADMIN, Db, TestServer, string};
use reqwest::{Method, StatusCode};
use serde_json::json;

on_both_databases!(
    walkthrough_admin_account_root_user_whoami,
    tenancy_other_account_gets_404,
    principals_may_not_exceed_their_rights,
    revoked_key_stops_at_once_on_every_replica,
    principals_are_listed_and_validated,
    upgrade_gives_principals_made_with_a_path_in_the_name_their_name,
);

/// The README's walkthrough: admin makes an account and a key for its root;
/// the root makes a user and its key; whoami answers for each.
async fn walkthrough_admin_account_root_user_whoami(db: Db) {
    let s = TestServer::start(db).await;
    let r = s
        .post(
            "/v1/accounts",
            ADMIN,
            json!({"name": "producer", "account_id": "111122223333"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.header("location"), Some("/v1/accounts/111122223333"));
    assert_eq!(
        r.body["root_principal_arn"],
        "arn:aws:iam::111122223333:root"
    );
    assert!(
        r.body["creation_timestamp"]
            .as_str()
            .is_some_and(|t| t.ends_with('Z') && t.len() == 24)
    );

    let root_key = s
        .post(
            "/v1/api-keys",
            ADMIN,
            json!({"principal_arn": "arn:aws:iam::111122223333:root"}),
        )
        .await;
    assert_eq!(root_key.status, StatusCode::CREATED, "{}", root_key.text);
    let root = root_key.body["secret"].as_str().unwrap().to_string();
    assert!(root.starts_with("lp_LPAK"));

    let me = s.get("/v1/whoami", &root).await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!(me.body["account_id"], "111122223333");
    assert_eq!(me.body["principal_arn"], "arn:aws:iam::111122223333:root");
    assert_eq!(me.body["principal_type"], "root");
    assert_eq!(me.body["key_id"], root_key.body["key_id"]);

    let user = s
        .post(
            "/v1/accounts/111122223333/principals",
            &root,
            json!({"type": "user", "name": "alice"}),
        )
        .await;
    assert_eq!(user.status, StatusCode::CREATED, "{}", user.text);
    assert_eq!(user.body["arn"], "arn:aws:iam::111122223333:user/alice");
    let alice = s
        .key_for(&root, "arn:aws:iam::111122223333:user/alice")
        .await;
    let me = s.get("/v1/whoami", &alice).await;
    assert_eq!(
        me.body["principal_arn"],
        "arn:aws:iam::111122223333:user/alice"
    );
    assert_eq!(me.body["principal_type"], "user");

    // IAM names have no `/`; a path is given apart and shows in the ARN.
    s.post(
        "/v1/accounts/111122223333/principals",
        &root,
        json!({"type": "user", "name": "a/b"}),
    )
    .await
    .assert_problem(400, "InvalidParameterValue");
    let role = s
        .post(
            "/v1/accounts/111122223333/principals",
            &root,
            json!({"type": "role", "name": "app", "path": "/team/"}),
        )
        .await;
    assert_eq!(role.status, StatusCode::CREATED, "{}", role.text);
    assert_eq!(role.body["arn"], "arn:aws:iam::111122223333:role/team/app");
    assert_eq!(role.body["name"], "app");
    assert_eq!(role.body["path"], "/team/");
    assert_eq!(user.body["path"], "/");
    for bad in ["team", "/team", "team/", "//", "/a b/"] {
        let r = s
            .post(
                "/v1/accounts/111122223333/principals",
                &root,
                json!({"type": "role", "name": "x", "path": bad}),
            )
            .await;
        r.assert_problem(400, "InvalidParameterValue");
        assert!(r.detail().starts_with("path:"), "{bad}: {}", r.text);
    }
    // Names are unique whatever the path.
    s.post(
        "/v1/accounts/111122223333/principals",
        &root,
        json!({"type": "role", "name": "app", "path": "/other/"}),
    )
    .await
    .assert_problem(409, "EntityAlreadyExists");

    let admin = s.get("/v1/whoami", ADMIN).await;
    assert_eq!(admin.body["principal_type"], "admin");
    assert!(admin.body["account_id"].is_null());

    // The same user twice is a conflict.
    let again = s
        .post(
            "/v1/accounts/111122223333/principals",
            &root,
            json!({"type": "user", "name": "alice"}),
        )
        .await;
    again.assert_problem(409, "EntityAlreadyExists");
    // A second account with the same id too.
    let dup = s
        .post(
            "/v1/accounts",
            ADMIN,
            json!({"name": "x", "account_id": "111122223333"}),
        )
        .await;
    dup.assert_problem(409, "AccountAlreadyExists");
    s.stop().await;
}

/// Account B sees none of account A's things: the same 404 as for a
/// resource that does not exist.
async fn tenancy_other_account_gets_404(db: Db) {
    let s = TestServer::start(db).await;
    let [a, b] = s.accounts(["a", "b"]).await;
    let a_path = format!("/v1/accounts/{}", a.account_id);
    for path in [
        a_path.clone(),
        "/v1/accounts/999999999999".to_string(),
        format!("{a_path}/principals"),
    ] {
        s.get(&path, &b.token)
            .await
            .assert_problem(404, "InvalidAccountID.NotFound");
    }
    s.post(
        &format!("{a_path}/principals"),
        &b.token,
        json!({"type": "user", "name": "x"}),
    )
    .await
    .assert_problem(404, "InvalidAccountID.NotFound");
    let patch = s.patch(&a_path, &b.token, json!({"name": "stolen"})).await;
    patch.assert_problem(404, "InvalidAccountID.NotFound");
    // B's list of accounts holds only B.
    let list = s.get("/v1/accounts", &b.token).await;
    let ids: Vec<&str> = list.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["account_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec![b.account_id.as_str()]);
    // A's key ids are invisible to B, and cannot be revoked by B.
    let keys = s.get("/v1/api-keys", &a.token).await;
    let a_key = string(&keys.body["items"][0]["key_id"]);
    let r = s.delete(&format!("/v1/api-keys/{a_key}"), &b.token).await;
    r.assert_problem(404, "InvalidApiKeyID.NotFound");
    assert_eq!(s.get("/v1/whoami", &a.token).await.status, StatusCode::OK);
    s.stop().await;
}

/// 401 without a valid key, 403 when the principal may not act.
async fn principals_may_not_exceed_their_rights(db: Db) {
    let s = TestServer::start(db).await;
    let [a, b] = s.accounts(["a", "b"]).await;
    let alice = s.principal(&a, "user", "alice").await;

    s.call(Method::GET, "/v1/whoami", None, None)
        .await
        .assert_problem(401, "AuthFailure");
    let r = s.get("/v1/whoami", "not-a-key").await;
    r.assert_problem(401, "AuthFailure");
    assert_eq!(r.header("www-authenticate"), Some("Bearer"));
    // A well-formed key id with a wrong secret.
    let forged = format!("{}0", &alice.token[..alice.token.len() - 1]);
    let forged = if forged == alice.token {
        format!("{}1", &alice.token[..alice.token.len() - 1])
    } else {
        forged
    };
    s.get("/v1/whoami", &forged)
        .await
        .assert_problem(401, "AuthFailure");

    // Only the admin creates accounts.
    s.post("/v1/accounts", &a.token, json!({"name": "x"}))
        .await
        .assert_problem(403, "UnauthorizedOperation");
    // A user may not create principals or keys, even in its own account.
    s.post(
        &format!("/v1/accounts/{}/principals", a.account_id),
        &alice.token,
        json!({"type": "user", "name": "bob"}),
    )
    .await
    .assert_problem(403, "UnauthorizedOperation");
    s.post(
        "/v1/api-keys",
        &alice.token,
        json!({"principal_arn": alice.arn}),
    )
    .await
    .assert_problem(403, "UnauthorizedOperation");
    // A root may not create keys for another account's principals.
    s.post("/v1/api-keys", &a.token, json!({"principal_arn": b.arn}))
        .await
        .assert_problem(403, "UnauthorizedOperation");
    // A user may not rename its account; the root may.
    let path = format!("/v1/accounts/{}", a.account_id);
    s.patch(&path, &alice.token, json!({"name": "x"}))
        .await
        .assert_problem(403, "UnauthorizedOperation");
    let ok = s.patch(&path, &a.token, json!({"name": "renamed"})).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);
    assert_eq!(ok.body["name"], "renamed");
    // A user sees its account, and only its own keys.
    assert_eq!(s.get(&path, &alice.token).await.status, StatusCode::OK);
    let keys = s.get("/v1/api-keys", &alice.token).await;
    let items = keys.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["principal_arn"], alice.arn.as_str());
    // A key for a principal that does not exist.
    s.post(
        "/v1/api-keys",
        &a.token,
        json!({"principal_arn": format!("arn:aws:iam::{}:user/ghost", a.account_id)}),
    )
    .await
    .assert_problem(400, "InvalidPrincipal.NotFound");
    s.stop().await;
}

/// Revocation: the key fails on its very next request, here and on a second
/// replica serving the same database.
async fn revoked_key_stops_at_once_on_every_replica(db: Db) {
    let (s, other) = TestServer::start_pair(db).await;
    let a = s.account("a").await;
    let bob = s.principal(&a, "user", "bob").await;
    assert_eq!(
        other.get("/v1/whoami", &bob.token).await.status,
        StatusCode::OK
    );
    let key_id = string(&s.get("/v1/whoami", &bob.token).await.body["key_id"]);

    let r = s.delete(&format!("/v1/api-keys/{key_id}"), &a.token).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    let r = other.get("/v1/whoami", &bob.token).await;
    r.assert_problem(401, "AuthFailure");
    assert!(r.detail().contains("revoked"));
    s.get("/v1/whoami", &bob.token)
        .await
        .assert_problem(401, "AuthFailure");
    // Revoking again: gone.
    s.delete(&format!("/v1/api-keys/{key_id}"), &a.token)
        .await
        .assert_problem(404, "InvalidApiKeyID.NotFound");
    // A user may revoke its own key.
    let carol = s.principal(&a, "user", "carol").await;
    let carol_key = string(&s.get("/v1/whoami", &carol.token).await.body["key_id"]);
    let r = other
        .delete(&format!("/v1/api-keys/{carol_key}"), &carol.token)
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    s.get("/v1/whoami", &carol.token)
        .await
        .assert_problem(401, "AuthFailure");
    other.stop().await;
    s.stop().await;
}

async fn principals_are_listed_and_validated(db: Db) {
    let s = TestServer::start(db).await;
    let a = s.account("a").await;
    let base = format!("/v1/accounts/{}/principals", a.account_id);
    for (kind, name) in [("user", "u1"), ("role", "r1"), ("user", "u2")] {
        let r = s
            .post(&base, &a.token, json!({"type": kind, "name": name}))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    }
    let all = s.get(&base, &a.token).await;
    assert_eq!(all.body["items"].as_array().unwrap().len(), 4, "root + 3");
    let users = s
        .get(&format!("{base}?principal_type=user"), &a.token)
        .await;
    let names: Vec<&str> = users.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["u1", "u2"]);
    for bad in [
        json!({"type": "user", "name": ""}),
        json!({"type": "user", "name": "has space"}),
        json!({"type": "user", "name": "x".repeat(65)}),
        json!({"type": "root", "name": "again"}),
        json!({"type": "group", "name": "devs"}),
    ] {
        s.post(&base, &a.token, bad)
            .await
            .assert_problem(400, "InvalidParameterValue");
    }
    s.get(&format!("{base}?principal_type=group"), &a.token)
        .await
        .assert_problem(400, "InvalidParameterValue");
    s.stop().await;
}

/// A role made when a name could hold a path (`team/app`, before migration
/// 0008) keeps its ARN, reads as the role `app` at `/team/`, and a second
/// `app` cannot be made beside it (an allowed principal `role/app` would
/// otherwise match two roles).
async fn upgrade_gives_principals_made_with_a_path_in_the_name_their_name(db: Db) {
    let (fresh, store) = crate::support::FreshDb::at_version(db, 7).await;
    for (sql, args) in [
        (
            "INSERT INTO accounts (account_id, name, created_at, updated_at, version) VALUES ($1, $2, 1, 1, 1)",
            vec!["111122223333", "a"],
        ),
        (
            "INSERT INTO principals (arn, account_id, principal_type, name, created_at) VALUES ($1, $2, 'root', '', 1)",
            vec!["arn:aws:iam::111122223333:root", "111122223333"],
        ),
        (
            "INSERT INTO principals (arn, account_id, principal_type, name, created_at) VALUES ($1, $2, 'role', $3, 2)",
            vec![
                "arn:aws:iam::111122223333:role/team/app",
                "111122223333",
                "team/app",
            ],
        ),
    ] {
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for a in args {
            q = q.bind(a);
        }
        q.execute(store.pool()).await.expect(sql);
    }
    store.close().await;
    let s = TestServer::on_url(db, &fresh.url, linkplane::config::Settings::default()).await;
    let root = s.key_for(ADMIN, "arn:aws:iam::111122223333:root").await;
    let listed = s
        .get(
            "/v1/accounts/111122223333/principals?principal_type=role",
            &root,
        )
        .await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.text);
    let role = &listed.body["items"][0];
    assert_eq!(role["arn"], "arn:aws:iam::111122223333:role/team/app");
    assert_eq!(role["name"], "app");
    assert_eq!(role["path"], "/team/");
    s.post(
        "/v1/accounts/111122223333/principals",
        &root,
        json!({"type": "role", "name": "app"}),
    )
    .await
    .assert_problem(409, "EntityAlreadyExists");
    s.stop().await;
}
