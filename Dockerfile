# Single-container deployment:
#   docker build -t bytebot . && docker run -p 9990:9990 -v bytebot:/data -e ANTHROPIC_API_KEY=... bytebot
# A thin wrapper over the scripts CI runs: packages come from build/setup, the app from the same publish as build/run.
FROM mcr.microsoft.com/dotnet/sdk:10.0-bookworm-slim AS build
WORKDIR /src
COPY . .
RUN dotnet publish Bytebot.Host/Bytebot.Host.csproj -c Release -o /app --nologo

FROM mcr.microsoft.com/dotnet/aspnet:10.0-bookworm-slim
COPY build/setup /opt/bytebot/setup
RUN /opt/bytebot/setup && rm -rf /var/lib/apt/lists/*
RUN useradd --create-home --uid 1000 bytebot && mkdir -p /data && chown bytebot:bytebot /data
COPY --from=build /app /opt/bytebot/app
USER bytebot
ENV BYTEBOT_DATA_DIR=/data \
    ASPNETCORE_URLS=http://0.0.0.0:9990 \
    OMP_THREAD_LIMIT=1
VOLUME /data
EXPOSE 9990
HEALTHCHECK --interval=15s --timeout=3s --start-period=60s CMD curl -fsS http://127.0.0.1:9990/health/live || exit 1
ENTRYPOINT ["dotnet", "/opt/bytebot/app/Bytebot.Host.dll"]
