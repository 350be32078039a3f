// Help, welcome and "coming soon": the home feature's one public entry.
export { comingSoon, renderUnknownCommand, showHelp } from './routes.js';
