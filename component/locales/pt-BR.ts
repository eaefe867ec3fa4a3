// Brazilian Portuguese. Side effect only: `import 'scalekit-admin-portal/locales/pt-BR'` registers it, for `pt`
// too until a translation of its own is registered there.
import type { ScalekitAdminPortalStrings } from './en.js';
import { registerLocale } from './registry.js';

registerLocale('pt-BR', {
  dir: 'ltr',
  'frame.title': 'Portal de administração',
  'status.loading': 'Carregando o portal de administração…',
  'status.ready': 'O portal de administração está pronto.',
  'status.expired': 'Sua sessão no portal de administração foi encerrada.',
  'status.expiring': 'Sua sessão no portal de administração será encerrada em breve.',
  'status.expiring_at': 'Sua sessão no portal de administração será encerrada às {time}.',
  'button.renew': 'Renovar agora',
  'button.new_session': 'Iniciar nova sessão',
  'button.retry': 'Tentar novamente',
  'error.unauthenticated': 'Sua sessão foi encerrada. Faça login novamente para gerenciar estas configurações.',
  'error.forbidden': 'Você não tem permissão para gerenciar estas configurações.',
  'error.rate_limited': 'Muitas tentativas. Aguarde um momento e tente novamente.',
  'error.link_request_failed': 'Não foi possível abrir o portal de administração (o servidor respondeu {status}).',
  'error.network': 'Não foi possível conectar ao servidor. Verifique sua conexão e tente novamente.',
  'error.invalid_response': 'O servidor não retornou um link válido para o portal de administração.',
  'error.portal_origin': 'O link do portal de administração aponta para {origin}, uma origem que o portal-origin não permite.',
  'error.load_timeout':
    'O portal de administração não foi carregado em {seconds} segundos. Se continuar em branco, adicione {origin} às URIs de redirecionamento permitidas no painel do Scalekit.',
  'error.portal_load_failure': 'Não foi possível carregar o portal de administração ({code}).',
} satisfies ScalekitAdminPortalStrings);
