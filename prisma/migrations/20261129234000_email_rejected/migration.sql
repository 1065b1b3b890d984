-- Un courriel refusé définitivement par le serveur SMTP (réponse 5xx) n'est plus réessayé.
ALTER TYPE "EmailStatus" ADD VALUE 'REJECTED';
