// Help, welcome and "coming soon": the home feature's one public entry.
export { comingSoon, helpCommandData, renderUnknownCommand, showHelp } from './routes.js';
