/** The API's path space, for code that must recognise API requests without the client (the service worker never caches them). */
export const isApiPath = (pathname: string) => pathname === '/api' || pathname.startsWith('/api/');
