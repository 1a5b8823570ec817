// Evidence pictures start blurred; a click (or Enter on a focused one) reveals or blurs it.
document.addEventListener("click", (event) => {
  const pic = event.target.closest(".pic");
  if (!pic) return;
  event.preventDefault();
  pic.classList.toggle("blurred");
  pic.classList.toggle("revealed");
});
document.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && event.target.classList && event.target.classList.contains("pic")) {
    event.target.click();
  }
});
