"""Third-party clients run over what Aula emits (see the README: "Real clients")."""
