// French (formal "vous"). Side effect only: `import 'scalekit-admin-portal/locales/fr'` registers it.
// A no-break space (\u00a0) goes before a colon and between a number and its unit, as French typography wants.
import type { ScalekitAdminPortalStrings } from './en.js';
import { registerLocale } from './registry.js';

registerLocale('fr', {
  dir: 'ltr',
  'frame.title': 'Portail d’administration',
  'status.loading': 'Chargement du portail d’administration…',
  'status.ready': 'Le portail d’administration est prêt.',
  'status.expired': 'Votre session sur le portail d’administration a expiré.',
  'status.expiring': 'Votre session sur le portail d’administration expire bientôt.',
  'status.expiring_at': 'Votre session sur le portail d’administration expire à {time}.',
  'button.renew': 'Renouveler maintenant',
  'button.new_session': 'Ouvrir une nouvelle session',
  'button.retry': 'Réessayer',
  'error.unauthenticated': 'Votre session a expiré. Reconnectez-vous pour gérer ces paramètres.',
  'error.forbidden': 'Vous n’avez pas l’autorisation de gérer ces paramètres.',
  'error.rate_limited': 'Trop de tentatives. Patientez un instant, puis réessayez.',
  'error.link_request_failed': 'Impossible d’ouvrir le portail d’administration (réponse du serveur\u00a0: {status}).',
  'error.network': 'Impossible de joindre le serveur. Vérifiez votre connexion, puis réessayez.',
  'error.invalid_response': 'Le serveur n’a pas renvoyé de lien valide vers le portail d’administration.',
  'error.portal_origin': 'Le lien du portail d’administration pointe vers {origin}, une origine que portal-origin n’autorise pas.',
  'error.load_timeout':
    'Le portail d’administration ne s’est pas chargé dans un délai de {seconds}\u00a0secondes. S’il reste vide, ajoutez {origin} aux URI de redirection autorisés dans votre tableau de bord Scalekit.',
  'error.portal_load_failure': 'Impossible de charger le portail d’administration ({code}).',
} satisfies ScalekitAdminPortalStrings);
