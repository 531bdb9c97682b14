"""The deployment files in deploy/: Dockerfile, entrypoint, compose, Kubernetes manifests, dashboards."""
