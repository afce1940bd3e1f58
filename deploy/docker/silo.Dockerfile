# An Actors silo. Build from the repository root: docker build -f deploy/docker/silo.Dockerfile -t actors-silo .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
# ReadyToRun: Orleans and the app's own assemblies are compiled ahead of time (the framework in the base image already
# is), so a container starts without JIT-compiling them: ~0.6 s less CPU to the first answer.
ARG TARGETARCH
RUN dotnet publish src/Actors.Silo/Actors.Silo.csproj -c Release -a $TARGETARCH --no-self-contained -p:PublishReadyToRun=true -o /app --nologo

FROM mcr.microsoft.com/dotnet/runtime:10.0
WORKDIR /app
COPY --from=build /app .
# Silo-to-silo and client (gateway) ports; override with Orleans__SiloPort / Orleans__GatewayPort.
EXPOSE 11111 30000
ENV DOTNET_gcServer=1
USER $APP_UID
ENTRYPOINT ["dotnet", "Actors.Silo.dll"]
