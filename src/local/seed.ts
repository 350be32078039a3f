// Local mode only: the roles of the Agents Playground's mock people (.m365agentsplayground.yml).
import type { SeedPerson } from '../people/feature.js';

export const LOCAL_SEED: readonly (SeedPerson & { name: string })[] = [
  { name: 'Sanne de Vries', aadObjectId: '6f1c2b9e-4d3a-4c1e-9b7a-0c0ade5c1001', roles: ['kwaliteitsmedewerker'], language: 'nl' },
  { name: 'Marieke Jansen', aadObjectId: '6f1c2b9e-4d3a-4c1e-9b7a-0c0ade5c1002', roles: ['bestuurder'], language: 'nl' },
  { name: 'Ahmed El Amrani', aadObjectId: '6f1c2b9e-4d3a-4c1e-9b7a-0c0ade5c1003', roles: ['directeur'], language: 'nl' },
  { name: 'Joost Bakker', aadObjectId: '6f1c2b9e-4d3a-4c1e-9b7a-0c0ade5c1004', roles: ['medewerker'], language: 'nl' },
  { name: 'Fatima Yilmaz', aadObjectId: '6f1c2b9e-4d3a-4c1e-9b7a-0c0ade5c1005', roles: ['medewerker'], language: 'nl' },
  { name: 'Eva de Groot', aadObjectId: '6f1c2b9e-4d3a-4c1e-9b7a-0c0ade5c1006', roles: ['rvt'], language: 'nl' },
];
