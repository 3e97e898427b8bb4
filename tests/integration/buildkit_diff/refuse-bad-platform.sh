# Refusals (class 10): a FROM --platform that is not os[/arch[/variant]]; BuildKit refuses it
# ("failed to parse platform bogus/arch/x/y"), where Strata warned and went on.
printf 'FROM --platform=bogus/arch/x/y scratch\n' >Dockerfile
