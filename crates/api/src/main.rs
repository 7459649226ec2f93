//! `zhidu`: serve the API, migrate, print the OpenAPI document, manage admin accounts.

use clap::{Parser, Subcommand};
use zhidu_api::auth::{self, Role};
use zhidu_api::config::{Config, random_secret};
use zhidu_api::{Fatal, bootstrap, openapi, server};
use zhidu_service::users::new_user;
use zhidu_store::audit::Actor;
use zhidu_store::db::write_transaction;
use zhidu_store::users;

/// jemalloc with a background thread that returns freed pages to the system (configured in
/// .cargo/config.toml): the per-worker start-up work is not kept resident afterwards.
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

#[derive(Parser)]
#[command(
    name = "zhidu",
    version,
    about = "The company's policies as a JSON API"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API (the default): migrates first, creates `admin` on an empty database.
    Serve {
        /// Run on a test clock that admins set through /api/v1/test-clock (also
        /// ZHIDU_TEST_CLOCK=1). For integration testing only, never in production.
        #[arg(long)]
        test_clock: bool,
    },
    /// Apply pending migrations and exit.
    Migrate,
    /// Print the OpenAPI document.
    Openapi,
    /// Manage staff accounts from the command line.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create an account with the admin role. The password is ZHIDU_ADMIN_PASSWORD, or a
    /// generated one printed once.
    Create {
        username: String,
        #[arg(long, default_value = "Administrator")]
        display_name: String,
    },
    /// Set a new password: ZHIDU_ADMIN_PASSWORD, or a generated one printed once.
    ResetPassword { username: String },
}

fn main() -> std::process::ExitCode {
    match run(Cli::parse()) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("zhidu: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<(), Fatal> {
    let command = cli.command.unwrap_or(Command::Serve { test_clock: false });
    if let Command::Openapi = command {
        let document = openapi::document()
            .to_pretty_json()
            .map_err(|e| Fatal(e.to_string()))?;
        println!("{document}");
        return Ok(());
    }
    let mut config = Config::from_env()?;
    server::init_logging(&config);
    match command {
        Command::Serve { test_clock } => {
            config.clock.test_clock |= test_clock;
            actix_web::rt::System::new().block_on(server::serve(config))
        }
        Command::Migrate => {
            let (_, mut connection) = zhidu_api::connect(&config)?;
            let prepared = bootstrap::prepare(
                &mut connection,
                config.admin_password.as_deref(),
                config.clock.build().now(),
            )?;
            println!("applied migrations: {:?}", prepared.migrations_applied);
            if let Some(password) = prepared.generated_admin_password {
                println!("created user admin with generated password: {password}");
            }
            Ok(())
        }
        Command::Admin { command } => admin(&config, command),
        Command::Openapi => Ok(()),
    }
}

fn admin(config: &Config, command: AdminCommand) -> Result<(), Fatal> {
    let (_, mut connection) = zhidu_api::connect(config)?;
    let now = config.clock.build().now();
    bootstrap::prepare(&mut connection, config.admin_password.as_deref(), now)?;
    let (password, generated) = match &config.admin_password {
        Some(password) => (password.clone(), false),
        None => (random_secret(18), true),
    };
    let hash = auth::hash_password(&password)?;
    let actor = Actor {
        subject: "cli".into(),
        request_id: None,
        at: now,
    };
    let username = match command {
        AdminCommand::Create {
            username,
            display_name,
        } => {
            let user = new_user(&username, &display_name, hash, &[Role::Admin], now);
            write_transaction(&mut connection, |c| users::insert(c, &actor, &user))?;
            println!("created user {username} with the admin role");
            username
        }
        AdminCommand::ResetPassword { username } => {
            write_transaction(&mut connection, |c| {
                let user = users::find_by_username(c, &username)?
                    .ok_or(zhidu_store::StoreError::NotFound)?;
                users::set_password(c, &actor, &user.id, &hash)
            })
            .map_err(|e| match e {
                zhidu_store::StoreError::NotFound => Fatal(format!("no user {username}")),
                other => other.into(),
            })?;
            println!("password of {username} reset");
            username
        }
    };
    if generated {
        println!("password for {username}: {password} (shown once)");
    }
    Ok(())
}
