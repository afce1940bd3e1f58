# An Actors silo. Build from the repository root: docker build -f deploy/docker/silo.Dockerfile -t actors-silo .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/Actors.Silo/Actors.Silo.csproj -c Release -o /app --nologo

FROM mcr.microsoft.com/dotnet/runtime:10.0
WORKDIR /app
COPY --from=build /app .
# Silo-to-silo and client (gateway) ports; override with Orleans__SiloPort / Orleans__GatewayPort.
EXPOSE 11111 30000
ENV DOTNET_gcServer=1
USER $APP_UID
ENTRYPOINT ["dotnet", "Actors.Silo.dll"]
