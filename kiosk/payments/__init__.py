"""Payment QR payloads and images; qrcode lives here and nowhere else."""
