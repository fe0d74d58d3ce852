// ES module: <script type="module" src="{% static 'js/nhsuk-init.js' %}"></script>
// nhsuk-frontend 10.x ships its bundle as an ES module exporting initAll().
import { initAll } from "../vendor/nhsuk-frontend/nhsuk-frontend.min.js";

initAll();
