# The `# escape=` directive: with a backtick as the escape, `\` is an ordinary character
# (Windows-style paths), a backtick continues a line and escapes `$`.
echo data >f
cat >Dockerfile <<'DF'
# escape=`
FROM scratch
ENV P=C:\dir\x Q=a`$b R="c:\$x" S=${P}\y
COPY f `
  /dst/
LABEL x="`$notvar" y=$P z=back\slash
WORKDIR /w\in
DF
