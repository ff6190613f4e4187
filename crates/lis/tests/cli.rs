//! The `lis` binary as a person runs it: start-up errors, `serve` on both databases, and concurrent migrations.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use lis_tests::{Backend, TempDir, on_both_databases, postgres};

/// How long a start-up failure may take before the test calls it a hang. Not a performance limit: the failures
/// below take well under a second; this only stops a hung process from hanging the suite.
const HANG_GUARD: Duration = Duration::from_secs(60);

/// `lis` with a clean environment: no LIS_* settings from the caller's shell.
fn lis(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_lis"));
    command
        .args(args)
        .env("LIS_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for var in ["LIS_DATABASE_URL", "LIS_DATA_DIR", "LIS_LISTEN", "LIS_BASE_URL"] {
        command.env_remove(var);
    }
    command
}

/// Runs a command to its end, failing the test if it hangs.
fn finish(mut child: Child) -> Output {
    let started = Instant::now();
    while child.try_wait().expect("poll the child").is_none() {
        if started.elapsed() > HANG_GUARD {
            let _ = child.kill();
            panic!("lis did not end within {HANG_GUARD:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().expect("collect the output")
}

/// Runs `lis` and expects a start-up failure told in one plain line; returns that line.
fn fails_with_one_sentence(args: &[&str]) -> String {
    let output = finish(lis(args).spawn().expect("start lis"));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "lis {args:?} succeeded:\n{stderr}");
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        !stderr.contains("panicked") && !stderr.contains("backtrace"),
        "{stderr}"
    );
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "exactly one line of explanation:\n{stderr}");
    assert!(lines[0].starts_with("error: "), "{stderr}");
    lines[0].to_owned()
}

#[test]
fn a_malformed_database_url_is_named() {
    let dir = TempDir::new();
    let data = dir.path().to_str().expect("utf-8 path");
    let line = fails_with_one_sentence(&[
        "serve",
        "--data-dir",
        data,
        "--database-url",
        "mysql://root@localhost/lis",
    ]);
    assert!(line.contains("LIS_DATABASE_URL is malformed"), "{line}");
    assert!(line.contains("postgres://"), "says what a good one looks like: {line}");
}

#[test]
fn an_unreachable_database_is_named_without_its_password() {
    let dir = TempDir::new();
    let data = dir.path().to_str().expect("utf-8 path");
    // Port 1 on loopback: nothing listens there, so the connection is refused at once.
    let url = "postgres://lis:hemligt@127.0.0.1:1/lis";
    let line = fails_with_one_sentence(&[
        "serve",
        "--data-dir",
        data,
        "--listen",
        "127.0.0.1:0",
        "--database-url",
        url,
    ]);
    assert!(
        line.contains("cannot connect to the database at postgres://lis:***@127.0.0.1:1/lis"),
        "{line}"
    );
    assert!(line.contains("check LIS_DATABASE_URL"), "{line}");
    assert!(!line.contains("hemligt"), "the password leaked: {line}");
}

#[test]
fn a_port_in_use_is_named() {
    let dir = TempDir::new();
    let data = dir.path().to_str().expect("utf-8 path");
    let taken = TcpListener::bind("127.0.0.1:0").expect("take a port");
    let address = taken.local_addr().expect("address").to_string();
    let line = fails_with_one_sentence(&["serve", "--data-dir", data, "--listen", &address]);
    assert!(line.contains(&format!("cannot listen on {address}")), "{line}");
    assert!(line.contains("already in use") && line.contains("LIS_LISTEN"), "{line}");
}

#[test]
fn an_unusable_data_directory_is_named() {
    let dir = TempDir::new();
    // Root may write anywhere, so the directory is made unusable another way: its parent is a file.
    let file = dir.path().join("not-a-directory");
    std::fs::write(&file, "x").expect("write a file");
    let data = file.join("data");
    let line = fails_with_one_sentence(&[
        "serve",
        "--data-dir",
        data.to_str().expect("utf-8"),
        "--listen",
        "127.0.0.1:0",
    ]);
    assert!(
        line.contains(&format!("the data directory {} cannot be used", data.display())),
        "{line}"
    );
    assert!(line.contains("LIS_DATA_DIR"), "{line}");
}

#[test]
fn an_invalid_log_filter_is_named() {
    let mut command = lis(&["migrate", "--status"]);
    command.env("LIS_LOG", "lis=loud");
    let output = finish(command.spawn().expect("start lis"));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr
            .trim()
            .starts_with("error: LIS_LOG \"lis=loud\" is not a valid log filter"),
        "{stderr}"
    );
}

#[test]
fn the_demo_refuses_to_listen_beyond_loopback() {
    let dir = TempDir::new();
    let data = dir.path().to_str().expect("utf-8 path");
    let line = fails_with_one_sentence(&["demo", "--data-dir", data, "--listen", "0.0.0.0:0"]);
    assert!(line.contains("loopback only"), "{line}");
}

#[test]
fn help_names_the_environment_variables() {
    let output = finish(lis(&["serve", "--help"]).spawn().expect("start lis"));
    let help = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success());
    for var in [
        "LIS_DATABASE_URL",
        "LIS_DATA_DIR",
        "LIS_LISTEN",
        "LIS_BASE_URL",
        "LIS_LOG",
    ] {
        assert!(help.contains(&format!("env: {var}")), "{var} missing from:\n{help}");
    }
}

/// A free loopback port: bound, read and released.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("address")
        .port()
}

/// A plain HTTP GET over a new connection; returns the status code, or none while nothing listens.
fn http_status(port: u16, path: &str) -> Option<u16> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    response.split_whitespace().nth(1)?.parse().ok()
}

/// Waits until `lis` answers on the port, failing the test if the process ends or hangs first.
fn wait_until_ready(child: &mut Child, port: u16) -> u16 {
    let started = Instant::now();
    loop {
        if let Some(status) = http_status(port, "/readyz") {
            return status;
        }
        if let Some(exit) = child.try_wait().expect("poll the child") {
            let mut stderr = String::new();
            child.stderr.take().map(|mut s| s.read_to_string(&mut stderr));
            panic!("lis ended with {exit} before answering:\n{stderr}");
        }
        assert!(
            started.elapsed() < HANG_GUARD,
            "lis did not answer within {HANG_GUARD:?}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The process's `THP_enabled` line in `/proc/<pid>/status`: "0" when transparent huge pages are off for it.
#[cfg(target_os = "linux")]
fn transparent_huge_pages(child: &Child) -> Option<String> {
    let status = std::fs::read_to_string(format!("/proc/{}/status", child.id())).expect("read the process's status");
    let line = status.lines().find_map(|line| line.strip_prefix("THP_enabled:"));
    line.map(|value| value.trim().to_owned())
}

/// Sends SIGTERM and expects a clean exit.
fn terminate_gracefully(child: Child) {
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("run kill");
    assert!(status.success());
    let output = finish(child);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "lis did not stop cleanly on SIGTERM: {:?}\n{stderr}",
        output.status
    );
}

async fn serve_migrates_an_empty_database_and_is_ready(backend: Backend) {
    let dir = TempDir::new();
    let database = match backend {
        Backend::Sqlite => None,
        Backend::Postgres => Some(postgres::empty_database().await),
    };
    let port = free_port();
    let listen = format!("127.0.0.1:{port}");
    let args = [
        "serve",
        "--data-dir",
        dir.path().to_str().expect("utf-8"),
        "--listen",
        &listen,
    ];
    let url = database.as_ref().map(postgres::DroppedDatabase::url);
    let mut command = lis(&args);
    // Through the environment, as an operator would configure it.
    if let Some(url) = &url {
        command.env("LIS_DATABASE_URL", url);
    }
    let mut child = command.spawn().expect("start lis serve");
    assert_eq!(wait_until_ready(&mut child, port), 200, "/readyz");
    #[cfg(target_os = "linux")]
    assert_eq!(
        transparent_huge_pages(&child).as_deref(),
        Some("0"),
        "lis serve runs without transparent huge pages, whatever the host's setting"
    );
    assert_eq!(http_status(port, "/"), Some(303), "pages send the visitor to sign in");
    assert_eq!(
        http_status(port, "/auth/login"),
        Some(503),
        "which says that sign-in is not configured"
    );
    terminate_gracefully(child);
    if backend == Backend::Sqlite {
        assert!(
            dir.path().join("lis.db").is_file(),
            "the default database lives in the data directory"
        );
    }
    // Migrated: `lis migrate --status` lists every migration as applied.
    let mut status_args = vec!["migrate", "--status", "--data-dir", dir.path().to_str().expect("utf-8")];
    if let Some(url) = &url {
        status_args.extend(["--database-url", url]);
    }
    let output = finish(lis(&status_args).spawn().expect("start lis migrate"));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success() && stdout.lines().count() >= 1, "{stdout}");
    assert!(stdout.lines().all(|line| line.starts_with("applied\t")), "{stdout}");
}

async fn two_migrations_started_together_both_succeed_and_apply_once(backend: Backend) {
    let dir = TempDir::new();
    let database = match backend {
        Backend::Sqlite => None,
        Backend::Postgres => Some(postgres::empty_database().await),
    };
    let url = match &database {
        Some(database) => database.url(),
        None => format!("sqlite://{}?mode=rwc", dir.path().join("lis.db").display()),
    };
    let data = dir.path().to_str().expect("utf-8");
    let first = lis(&["migrate", "--data-dir", data, "--database-url", &url])
        .spawn()
        .expect("first");
    let second = lis(&["migrate", "--data-dir", data, "--database-url", &url])
        .spawn()
        .expect("second");
    let outputs = [finish(first), finish(second)];
    let mut applied_counts = Vec::new();
    for output in &outputs {
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "a concurrent migrate failed:\n{stderr}");
        let count = stderr
            .lines()
            .find_map(|line| line.strip_prefix("applied "))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|n| n.parse::<usize>().ok())
            .unwrap_or_else(|| panic!("no summary line in:\n{stderr}"));
        applied_counts.push(count);
    }
    applied_counts.sort_unstable();
    let total = lis_migrations_count();
    assert_eq!(
        applied_counts,
        [0, total],
        "one run applied everything, the other nothing"
    );
}

fn lis_migrations_count() -> usize {
    use lis_migrations::MigratorTrait;
    lis_migrations::Migrator::migrations().len()
}

on_both_databases!(
    serve_migrates_an_empty_database_and_is_ready,
    two_migrations_started_together_both_succeed_and_apply_once
);

#[test]
fn sign_in_settings_that_do_not_fit_are_named() {
    let dir = TempDir::new();
    let data = dir.path().to_str().expect("utf-8 path");
    let base = ["serve", "--data-dir", data, "--listen", "127.0.0.1:0"];
    let without_client = [&base[..], &["--oidc-issuer", "https://login.example"]].concat();
    let line = fails_with_one_sentence(&without_client);
    assert!(line.contains("LIS_OIDC_CLIENT_ID is not"), "{line}");
    let plain_http = [
        &base[..],
        &["--oidc-issuer", "http://login.example", "--oidc-client-id", "lis"],
    ]
    .concat();
    let line = fails_with_one_sentence(&plain_http);
    assert!(line.contains("must use https://"), "{line}");
    let bad_map = [&base[..], &["--role-map", "lis-admins=root"]].concat();
    let line = fails_with_one_sentence(&bad_map);
    assert!(
        line.contains("LIS_ROLE_MAP has problems") && line.contains("lis-admins=root"),
        "{line}"
    );
}

/// Copies a directory tree.
fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).expect("create");
    for entry in std::fs::read_dir(from).expect("read dir").map(|e| e.expect("entry")) {
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

fn shipped_catalog() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../msb-catalog")
}

#[test]
fn the_shipped_catalogue_checks_clean() {
    let output = finish(
        lis(&["catalog", "check", shipped_catalog().to_str().expect("utf-8")])
            .spawn()
            .expect("start"),
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(stdout.lines().count(), 1, "one summary line: {stdout}");
    assert!(stdout.contains(" 93 controls, "), "{stdout}");
}

#[test]
fn a_broken_copy_of_the_catalogue_lists_each_planted_problem() {
    let dir = TempDir::new();
    copy_dir(&shipped_catalog(), dir.path());
    let file = dir.path().join("controls/8a-technological.toml");
    let text = std::fs::read_to_string(&file).expect("read");
    // Plant: a rule that cannot be parsed, a requirement of a control that does not exist, a missing translation.
    let first_rule = text.find("applies = \"").expect("a rule");
    let mut broken = text.clone();
    broken.replace_range(first_rule..first_rule + "applies = \"".len(), "applies = \"K>>");
    broken.push_str(
        "\n[[requirement]]\nid = \"LIS-9.1-01\"\ncontrol = \"9.1\"\naspects = [\"K\"]\nkind = \"generell\"\n\
         applies = \"always\"\ntext.sv = \"Planterad.\"\nprocurement.sv = \"Planterad.\"\nprocurement.en = \"Planted.\"\n",
    );
    std::fs::write(&file, broken).expect("write");
    let planted_line = text[..first_rule].matches('\n').count() + 1;
    let appended_line = text.lines().count() + 2;

    let output = finish(
        lis(&["catalog", "check", dir.path().to_str().expect("utf-8")])
            .spawn()
            .expect("start"),
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    let at = |line: usize, fragment: &str| {
        stdout
            .lines()
            .any(|l| l.contains(&format!("controls/8a-technological.toml:{line}: ")) && l.contains(fragment))
    };
    // The parse problem is reported at the requirement that holds the rule (the table's first line).
    let requirement_line = text[..first_rule]
        .rfind("[[requirement]]")
        .map(|i| text[..i].matches('\n').count() + 1);
    assert!(
        at(requirement_line.expect("table"), "is invalid"),
        "the bad rule near line {planted_line}:\n{stdout}"
    );
    assert!(at(appended_line, "belongs to control 9.1"), "{stdout}");
    assert!(at(appended_line, "lacks the translation text.en"), "{stdout}");
    assert!(stderr_line(&output).contains("problem(s)"), "{}", stderr_line(&output));
}

fn stderr_line(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).trim().to_owned()
}

#[test]
fn an_oscal_catalog_imports_once_and_a_broken_one_not_at_all() {
    let dir = TempDir::new();
    let data = dir.path().to_str().expect("utf-8");
    let fixture =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/oscal/basic-catalog.json");
    let fixture = fixture.to_str().expect("utf-8");
    let first = finish(
        lis(&["catalog", "import-oscal", fixture, "--data-dir", data])
            .spawn()
            .expect("start"),
    );
    let stderr = String::from_utf8_lossy(&first.stderr);
    assert!(first.status.success(), "{stderr}");
    assert!(stderr.contains("with 4 controls"), "{stderr}");
    let line = fails_with_one_sentence(&["catalog", "import-oscal", fixture, "--data-dir", data]);
    assert!(line.contains("exists already"), "{line}");
    let broken = dir.path().join("broken.json");
    std::fs::write(&broken, "{\n \"catalog\": {\n  \"uuid\": ,\n").expect("write");
    let line = fails_with_one_sentence(&[
        "catalog",
        "import-oscal",
        broken.to_str().expect("utf-8"),
        "--data-dir",
        data,
    ]);
    assert!(
        line.contains("broken.json:3"),
        "the problem is named with its line: {line}"
    );
}

async fn serve_keeps_its_catalogue_when_the_local_requirements_are_broken(backend: Backend) {
    let dir = TempDir::new();
    let extra = dir.path().join("extra");
    std::fs::create_dir_all(&extra).expect("create");
    std::fs::write(
        extra.join("kommun.toml"),
        "[[requirement]]\nid = \"EXK-1\"\ncontrol = \"8.99\"\n",
    )
    .expect("write");
    let database = match backend {
        Backend::Sqlite => None,
        Backend::Postgres => Some(postgres::empty_database().await),
    };
    let port = free_port();
    let listen = format!("127.0.0.1:{port}");
    let mut command = lis(&[
        "serve",
        "--data-dir",
        dir.path().to_str().expect("utf-8"),
        "--listen",
        &listen,
    ]);
    command.env("LIS_CATALOG_EXTRA_DIR", &extra);
    if let Some(database) = &database {
        command.env("LIS_DATABASE_URL", database.url());
    }
    let mut child = command.spawn().expect("start lis serve");
    assert_eq!(
        wait_until_ready(&mut child, port),
        200,
        "LIS runs on the built-in catalogue"
    );
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("run kill");
    assert!(status.success());
    let output = finish(child);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains("extra/kommun.toml:1") && stderr.contains("8.99"),
        "each problem is logged: {stderr}"
    );
    assert!(stderr.contains("LIS runs on the built-in catalogue"), "{stderr}");
}

on_both_databases!(serve_keeps_its_catalogue_when_the_local_requirements_are_broken);

/// A small systemförteckning: a unit under a new top unit, a förvaltningsobjekt, a system on a platform, an
/// informationsmängd held by the system. Swedish headers in mixed case, semicolons, a byte-order mark and åäö.
const SMALL_INVENTORY: &str = "\u{feff}Typ;Externt id;NAMN;Organisationsenhet;enhetstyp;Förvaltningsobjekt;Livscykel;Körs på;Lagras i;Sekretess;OSL-hänvisning\r\n\
    organisationsenhet;E1;Kommunstyrelsen;;nämnd;;;;;;\r\n\
    organisationsenhet;E2;Socialförvaltningen;Kommunstyrelsen;förvaltning;;;;;;\r\n\
    förvaltningsobjekt;FO-1;Socialtjänst;Socialförvaltningen;;;;;;;\r\n\
    system;S-1;Verksamhetssystem för socialtjänst;;;Socialtjänst;i drift;Serverplattform;;;\r\n\
    system;S-2;Serverplattform;;;Socialtjänst;i drift;;;;\r\n\
    informationsmängd;I-1;Utredningar om barn och unga;Socialförvaltningen;;;;;Verksamhetssystem för socialtjänst;ja;26 kap. 1 § OSL\r\n";

#[test]
fn import_and_export_of_the_inventory_from_the_command_line() {
    let dir = TempDir::new();
    let data = dir.path().to_str().expect("utf-8");
    let file = dir.path().join("systemforteckning.csv");
    std::fs::write(&file, SMALL_INVENTORY).expect("write");
    let file = file.to_str().expect("utf-8");

    // A dry run on a new installation reports and writes nothing.
    let dry = finish(
        lis(&["import", "inventory", file, "--dry-run", "--data-dir", data])
            .spawn()
            .expect("start"),
    );
    let stdout = String::from_utf8_lossy(&dry.stdout);
    assert!(dry.status.success(), "{}", String::from_utf8_lossy(&dry.stderr));
    assert!(
        stdout.contains("6 nya, 0 ändrade, 0 oförändrade, 0 avvisade"),
        "{stdout}"
    );
    let again = finish(
        lis(&["import", "inventory", file, "--dry-run", "--data-dir", data])
            .spawn()
            .expect("start"),
    );
    assert!(
        String::from_utf8_lossy(&again.stdout).contains("6 nya"),
        "the dry run wrote nothing"
    );

    // The import, with progress on standard error.
    let applied = finish(
        lis(&["import", "inventory", file, "--data-dir", data])
            .spawn()
            .expect("start"),
    );
    let stderr = String::from_utf8_lossy(&applied.stderr);
    assert!(applied.status.success(), "{stderr}");
    assert!(stderr.contains("6 av 6 rader skrivna"), "{stderr}");

    // Exported, and the export imports as a no-op; a second export is byte for byte the same.
    let exported = dir.path().join("export.csv");
    let exported_again = dir.path().join("export-again.csv");
    for out in [&exported, &exported_again] {
        let out = out.to_str().expect("utf-8");
        let run = finish(
            lis(&[
                "export",
                "inventory",
                "--format",
                "csv",
                "--out",
                out,
                "--data-dir",
                data,
            ])
            .spawn()
            .expect("start"),
        );
        assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    }
    let first = std::fs::read(&exported).expect("read");
    assert_eq!(
        first,
        std::fs::read(&exported_again).expect("read"),
        "two exports differ"
    );
    let text = String::from_utf8(first[3..].to_vec()).expect("utf-8");
    assert!(first.starts_with(b"\xEF\xBB\xBF"), "a byte-order mark");
    assert!(
        text.contains("system;S-1;Verksamhetssystem för socialtjänst;"),
        "{text}"
    );
    let round = finish(
        lis(&[
            "import",
            "inventory",
            exported.to_str().expect("utf-8"),
            "--dry-run",
            "--data-dir",
            data,
        ])
        .spawn()
        .expect("start"),
    );
    let stdout = String::from_utf8_lossy(&round.stdout);
    assert!(
        stdout.contains("0 nya, 0 ändrade, 6 oförändrade, 0 avvisade"),
        "{stdout}"
    );

    // Classifications of what was imported: a dry run reports; applying needs the person who decides them.
    let classifications = dir.path().join("klassa.csv");
    std::fs::write(
        &classifications,
        "\u{feff}Informationsmängd;K;R;T;S;Motivering\r\nUtredningar om barn och unga;3;2;2;2;Känsligt\r\nFinns inte;1;1;1;1;\r\n",
    )
    .expect("write");
    let classifications = classifications.to_str().expect("utf-8");
    let dry = finish(
        lis(&[
            "import",
            "classifications",
            classifications,
            "--dry-run",
            "--data-dir",
            data,
        ])
        .spawn()
        .expect("start"),
    );
    assert_eq!(dry.status.code(), Some(1), "a refused row");
    let stdout = String::from_utf8_lossy(&dry.stdout);
    assert!(
        stdout.contains("rad 3, kolumn Informationsmängd, värde ”Finns inte”: ingen informationsmängd i bruk")
            && stdout.contains("1 nya, 0 ändrade, 0 oförändrade, 1 avvisade"),
        "{stdout}"
    );
    let nobody = finish(
        lis(&[
            "import",
            "classifications",
            classifications,
            "--decided-by",
            "ingen@exempel.se",
            "--data-dir",
            data,
        ])
        .spawn()
        .expect("start"),
    );
    assert_eq!(nobody.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&nobody.stderr).contains("no person in LIS has the e-mail address ingen@exempel.se"),
        "{}",
        String::from_utf8_lossy(&nobody.stderr)
    );

    // A refused row: exit status 1, the row, column, value and reason on standard output, nothing written.
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "Typ;Namn;Förvaltningsobjekt\nsystem;Nytt system;Finns inte\n").expect("write");
    let refused = finish(
        lis(&["import", "inventory", bad.to_str().expect("utf-8"), "--data-dir", data])
            .spawn()
            .expect("start"),
    );
    assert_eq!(refused.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&refused.stdout);
    assert!(
        stdout
            .contains("rad 2, kolumn Förvaltningsobjekt, värde ”Finns inte”: Inget förvaltningsobjekt med det namnet"),
        "{stdout}"
    );
    let xlsx = dir.path().join("export.xlsx");
    let run = finish(
        lis(&[
            "export",
            "inventory",
            "--format",
            "xlsx",
            "--out",
            xlsx.to_str().expect("utf-8"),
            "--data-dir",
            data,
        ])
        .spawn()
        .expect("start"),
    );
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let round = finish(
        lis(&[
            "import",
            "inventory",
            xlsx.to_str().expect("utf-8"),
            "--dry-run",
            "--data-dir",
            data,
        ])
        .spawn()
        .expect("start"),
    );
    let stdout = String::from_utf8_lossy(&round.stdout);
    assert!(
        stdout.contains("0 nya, 0 ändrade, 6 oförändrade, 0 avvisade"),
        "the workbook imports unchanged: {stdout}"
    );
}
