package main

var version = "dev"

func main() { println("hello", version) }
