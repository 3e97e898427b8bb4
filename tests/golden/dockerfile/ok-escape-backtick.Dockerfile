# escape=`
FROM mcr.microsoft.com/windows/servercore:ltsc2022
SHELL ["powershell", "-Command", "$ErrorActionPreference = 'Stop';"]
WORKDIR C:\app
COPY bin\ C:\app\bin\
RUN New-Item -ItemType Directory -Path C:\data ; `
    Write-Host "done \ ok"
ENV PATH="C:\app\bin;${PATH}"
CMD ["C:\\app\\bin\\app.exe"]
