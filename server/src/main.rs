use clap::Parser;
use server::{
    cli::{self, Cli, Command},
    leptos_options, telemetry, Application,
};
use std::process::ExitCode;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<ExitCode> {
    let cli = Cli::parse();
    let command = cli.command.clone().unwrap_or(Command::Serve);
    match command {
        Command::Serve => telemetry::init(),
        _ => telemetry::init_for_cli(),
    }
    match command {
        Command::Serve => {
            let options = leptos_options(&cli.config.leptos_toml)?;
            let app = Application::build(&cli.config, options).await?;
            tracing::info!(
                "Tenantry is listening on port {}: open http://{}:{}/",
                app.port(),
                app.state().settings.base_domain,
                app.port()
            );
            app.run_until_stopped().await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Migrate(args) => cli::migrate(&cli.config, &args).await,
        Command::Tenants { command } => cli::tenants(&cli.config, &command).await,
        Command::Servers { command } => cli::servers(&cli.config, &command).await,
    }
}
