# Refusals (class 10): BuildKit refuses a reversed EXPOSE range ("Invalid containerPort: 9-5").
printf 'FROM scratch\nEXPOSE 80 9-5\n' >Dockerfile
