import { HomeOverview } from "./home-overview";

export default function HomePage() {
  return <HomeOverview />;
}
