"""Views every content type shares."""

from django.utils.cache import add_never_cache_headers


class PublishedDetailMixin:
    """Visitors see published records only. Staff allowed to change the model may open drafts,
    which come with a banner (`is_preview` in the context) and are never cached."""

    def can_preview(self):
        model = self.model
        codename = f"{model._meta.app_label}.change_{model._meta.model_name}"
        user = self.request.user
        return user.is_authenticated and user.is_staff and user.has_perm(codename)

    def get_base_queryset(self):
        manager = self.model._default_manager
        return manager.all() if self.can_preview() else manager.published()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["is_preview"] = not self.object.is_published()
        return context

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if context.get("is_preview"):
            add_never_cache_headers(response)
        return response
